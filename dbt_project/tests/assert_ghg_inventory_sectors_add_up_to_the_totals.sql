-- A check on mart_ghg_inventory in Dagster.
{{ config(meta={'dagster': {'ref': {'name': 'mart_ghg_inventory'}}}) }}
-- Each region-year's sectors add up to its totals: the four emitting sectors to the total
-- without LULUCF, all five to the net total; a county's county-reported sectors to the sum of
-- its counties' on the city's row where the city's figure is their sum. Returns the rows
-- that do not add up.
with rows as (
    select * from {{ ref('mart_ghg_inventory') }}
),

sectors as (
    select region_code, year, sector_code, sum(emission_t_co2e) as sector_t_co2e
    from rows
    group by all
),

by_region_year as (
    select
        region_code, year,
        sum(sector_t_co2e) filter (where sector_code <> 'lulucf') as sectors_excl_lulucf,
        sum(sector_t_co2e) as sectors_incl_lulucf
    from sectors
    group by all
),

totals as (
    select distinct region_code, year, total_excl_lulucf_t_co2e, total_incl_lulucf_t_co2e
    from rows
),

counties_summed as (
    -- categories whose city row is the sum of its counties'
    select city.region_code, city.year, city.category_code, city.subcategory, city.gas,
           city.emission_t_co2e as city_t_co2e, sum(county.emission_t_co2e) as counties_t_co2e
    from rows as city
    inner join {{ ref('dim_region') }} as r on r.parent_code = city.region_code
    inner join rows as county
        on county.region_code = r.region_code and county.year = city.year
        and county.category_code = city.category_code and county.subcategory = city.subcategory
        and county.gas = city.gas
    where city.activity_level = 'city (sum of counties)'
    group by all
)

select 'total' as check_name, region_code, year, null as category_code
from by_region_year
inner join totals using (region_code, year)
where abs(sectors_excl_lulucf - total_excl_lulucf_t_co2e) > 0.01
   or abs(sectors_incl_lulucf - total_incl_lulucf_t_co2e) > 0.01
   or (sectors_excl_lulucf is null) <> (total_excl_lulucf_t_co2e is null)
union all
select 'counties', region_code, year, category_code
from counties_summed
where abs(city_t_co2e - counties_t_co2e) > 0.001 * 5
