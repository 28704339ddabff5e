-- Every plan target with the indicator it is measured by and that indicator's metadata.
-- Targets without a stated baseline year are judged from 2020, the plan's base year
-- (the 14th Five-Year Plan starts in 2021).
select
    targets.target_id,
    targets.clause,
    targets.domain,
    targets.indicator_zh as target_indicator_zh,
    targets.indicator_en as target_indicator_en,
    mapping.indicator_code,
    indicators.unit as indicator_unit,
    indicators.county_level,
    targets.unit,
    targets.comparator,
    targets.target_year,
    targets.target_value,
    coalesce(targets.baseline_year, 2020) as baseline_year,
    targets.baseline_year is not null as baseline_year_stated,
    targets.target_kind,
    targets.lead_department_zh
from {{ ref('plan_targets') }} as targets
inner join {{ ref('plan_target_indicators') }} as mapping using (target_id)
inner join {{ ref('indicators') }} as indicators using (indicator_code)
