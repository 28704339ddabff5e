-- A check on mart_ghg_inventory in Dagster (it also reads mart_carbon).
{{ config(meta={'dagster': {'ref': {'name': 'mart_ghg_inventory'}}}) }}
-- The inventory's energy CO2 (fuel combustion and net imported electricity) is mart_carbon's
-- co2_emissions_t for every region and year of either: one computation, not two. Returns the
-- region-years where they differ by more than a kilogram per category or one is missing.
with inventory as (
    select region_code, year, sum(emission_t) as co2_t, count(*) as rows_summed
    from {{ ref('mart_ghg_inventory') }}
    where sector_code = 'energy' and gas = 'co2'
    group by region_code, year
),

carbon as (
    select region_code, year, co2_emissions_t as co2_t
    from {{ ref('mart_carbon') }}
    where co2_emissions_t is not null
)

select region_code, year, inventory.co2_t as inventory_co2_t, carbon.co2_t as mart_carbon_co2_t
from inventory
full outer join carbon using (region_code, year)
where inventory.co2_t is null or carbon.co2_t is null
   or abs(inventory.co2_t - carbon.co2_t) > 0.001 * inventory.rows_summed
