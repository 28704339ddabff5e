-- Annual periods from the earliest observation or plan baseline to the last plan target year,
-- with the five-year plan each year belongs to (十三五 2016–2020, 十四五 2021–2025, …).
with bounds as (
    select
        least(
            (select min(cast(time_period as integer)) from {{ ref('fct_indicator_observation') }}),
            (select min(baseline_year) from {{ ref('plan_targets') }})
        ) as first_year,
        greatest(
            (select max(cast(time_period as integer)) from {{ ref('fct_indicator_observation') }}),
            (select max(target_year) from {{ ref('plan_targets') }})
        ) as last_year
),

years as (
    select unnest(range(first_year, last_year + 1)) as year from bounds
)

select
    cast(year as varchar) as time_period,
    'A' as freq,
    year,
    -- the 3rd FYP began in 1966 (after the 1963–65 adjustment years); every plan since is
    -- five years: 十四五 = 14 = 2021–2025
    cast((year - 1966) // 5 + 3 as integer) as five_year_plan_number,
    year in (select baseline_year from {{ ref('plan_targets') }} where baseline_year is not null)
        as is_plan_baseline_year,
    year in (select target_year from {{ ref('plan_targets') }}) as is_plan_target_year
from years
