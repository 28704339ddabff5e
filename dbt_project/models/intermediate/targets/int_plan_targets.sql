-- Every plan target with the indicator it is measured by and that indicator's metadata.
-- Targets without a stated baseline year are judged from 2020, the plan's base year
-- (the 14th Five-Year Plan starts in 2021). A target the plan sets as an amount for the whole
-- city (capacity, length, stock, counts, a total) is a city total: a county's amount is a
-- contribution to it, not a measure against it; shares, rates and per-unit targets (and
-- reductions of them) hold for every county too.
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
    targets.target_kind in ('level', 'count', 'cumulative') and targets.unit <> '%' as is_city_total,
    -- target_year: judged on the target year; every_year: every year of the period must meet
    -- it (保持/稳定/规划期内当年); period_total: the share of the period's summed amounts
    targets.assessment,
    mapping.period_numerator,
    mapping.period_denominator,
    targets.lead_department_zh
from {{ ref('plan_targets') }} as targets
inner join {{ ref('plan_target_indicators') }} as mapping using (target_id)
inner join {{ ref('indicators') }} as indicators using (indicator_code)
