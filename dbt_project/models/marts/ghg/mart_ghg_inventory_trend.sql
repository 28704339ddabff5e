-- The inventory's trend by gas beside the 光雾山 background station's, as context only: a
-- city's emissions and a remote station's mole fractions answer different questions (the
-- station sees the regional and global background), so the station never corrects the
-- inventory; a rising inventory under a flat local growth, or the reverse, is a question to
-- ask the compilers, not a figure to change. City rows; emissions without LULUCF.
with inventory as (
    select
        region_code, year, gas,
        round(sum(emission_t) filter (where sector_code <> 'lulucf'), 3) as emission_t,
        round(sum(emission_t_co2e) filter (where sector_code <> 'lulucf'), 3) as emission_t_co2e,
        any_value(gwp_set) as gwp_set,
        any_value(sectors_in_total) as sectors_in_total,
        {{ provenance_weakest('provenance') }} as provenance,
        bool_or(is_revised) as is_revised
    from {{ ref('mart_ghg_inventory') }}
    where region_code = {{ city_code() }}
    group by region_code, year, gas
),

station as (
    select year, gas, unit, mean_value, growth_per_year, is_valid, provenance
    from {{ ref('mart_ghg_station') }}
    where period_type = 'year'
)

select
    inventory.region_code,
    inventory.year,
    inventory.gas,
    inventory.emission_t,
    inventory.gwp_set,
    inventory.emission_t_co2e,
    case when lag(inventory.year) over by_gas = inventory.year - 1 then
        round(100 * (inventory.emission_t / nullif(lag(inventory.emission_t) over by_gas, 0) - 1), 2)
    end as emission_change_pct,
    inventory.sectors_in_total,
    station.unit as station_unit,
    case when station.is_valid then station.mean_value end as station_annual_mean,
    station.growth_per_year as station_growth_per_year,
    inventory.provenance,
    inventory.is_revised
from inventory
left join station using (year, gas)
window by_gas as (partition by inventory.gas order by inventory.year)
