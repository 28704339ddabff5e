-- The measure each target is judged on, per target, region and year, in the target's unit
-- (int_target_progress__series: reductions as the reduction achieved, cumulative targets as
-- running totals): the observed line behind each status, for charts and BI.
select
    series.target_id,
    targets.indicator_code,
    series.region_code,
    series.year,
    series.measure,
    targets.unit,
    series.indicator_value,
    targets.indicator_unit,
    series.provenance
from {{ ref('int_target_progress__series') }} as series
inner join {{ ref('int_plan_targets') }} as targets using (target_id)
