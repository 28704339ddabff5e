-- A check on mart_enterprise_emissions_by_area in Dagster (it also reads mart_enterprise_emissions).
{{ config(meta={'dagster': {'ref': {'name': 'mart_enterprise_emissions_by_area'}}}) }}
-- Enterprise emissions rolled up by county and by GB/T 4754 section each add up to the city
-- (enterprises, permitted, disclosed), and the city to the enterprises themselves. Returns
-- the (breakdown, year, pollutant) rows that do not.
with rollups as (
    select * from {{ ref('mart_enterprise_emissions_by_area') }}
),

city as (
    select year, pollutant_code, enterprises, permitted_t, disclosed_t from rollups where breakdown = 'city'
),

parts as (
    select breakdown, year, pollutant_code, sum(enterprises) as enterprises,
           sum(permitted_t) as permitted_t, sum(disclosed_t) as disclosed_t
    from rollups where breakdown <> 'city'
    group by all
    union all
    select 'enterprises', year, pollutant_code, count(*), sum(permitted_t), sum(disclosed_t)
    from {{ ref('mart_enterprise_emissions') }}
    group by all
)

select parts.breakdown, parts.year, parts.pollutant_code
from parts
full outer join city using (year, pollutant_code)
where parts.enterprises is distinct from city.enterprises
   or abs(coalesce(parts.permitted_t, 0) - coalesce(city.permitted_t, 0)) > 1e-9 * greatest(1, abs(coalesce(city.permitted_t, 0)))
   or abs(coalesce(parts.disclosed_t, 0) - coalesce(city.disclosed_t, 0)) > 1e-9 * greatest(1, abs(coalesce(city.disclosed_t, 0)))
