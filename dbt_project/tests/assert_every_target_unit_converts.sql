-- A check on int_plan_targets in Dagster (it also reads the unit_conversions seed).
{{ config(meta={'dagster': {'ref': {'name': 'int_plan_targets'}}}) }}
-- Every target compared in its own unit has a conversion from its indicator's unit
-- (reductions are % changes of the indicator and need none).
select targets.target_id, targets.indicator_unit, targets.unit
from {{ ref('int_plan_targets') }} as targets
left join {{ ref('unit_conversions') }} as conversions
    on conversions.from_unit = targets.indicator_unit and conversions.to_unit = targets.unit
where targets.target_kind <> 'reduction_vs_baseline'
  and conversions.factor is null
