-- Energy CO2 and intensities per region and year: CO2 from fuels and from purchased
-- electricity (with the grid factor used), energy and CO2 per unit of GDP at comparable
-- (2020) prices, and their reductions vs the plan's baselines 2020 (T03, T04) and 2005 (T05).
-- A year's CO2 counts the fuels its balance itemises: 2005 has no LPG ('—'), later years do,
-- so the reduction vs 2005 is also given on 2005's scope (the fuels itemised in both years).
with fuels_itemised as (
    select region_code, year, fuel_code, co2_t
    from {{ ref('int_carbon__co2_by_fuel') }}
    where quantity is not null
),

same_scope_as_2005 as (
    select
        now.region_code,
        now.year,
        sum(now.co2_t) filter (where base.fuel_code is not null) as co2_same_fuels_as_2005_t,
        string_agg(now.fuel_code, ',' order by now.fuel_code) filter (where base.fuel_code is null)
            as fuels_not_in_2005
    from fuels_itemised as now
    left join fuels_itemised as base
        on base.region_code = now.region_code and base.fuel_code = now.fuel_code and base.year = 2005
    where exists (select 1 from fuels_itemised as f where f.region_code = now.region_code and f.year = 2005)
    group by now.region_code, now.year
),

co2 as (
    select
        year,
        region_code,
        sum(co2_t) filter (where emission_source = 'fuel_combustion') as co2_fuel_combustion_t,
        sum(co2_t) filter (where emission_source = 'purchased_electricity')
            as co2_purchased_electricity_t,
        any_value(grid_factor_scope) filter (where emission_source = 'purchased_electricity')
            as grid_factor_scope,
        any_value(grid_factor_kg_co2_per_kwh)
            filter (where emission_source = 'purchased_electricity') as grid_factor_kg_co2_per_kwh,
        any_value(grid_factor_year) filter (where emission_source = 'purchased_electricity')
            as grid_factor_year,
        string_agg(fuel_code, ',' order by fuel_code) filter (where quantity is null)
            as fuels_not_reported
    from {{ ref('int_carbon__co2_by_fuel') }}
    group by year, region_code
),

indicators as (
    {{ indicator_mart() }}
),

with_baselines as (
    select
        indicators.*,
        co2.co2_fuel_combustion_t,
        co2.co2_purchased_electricity_t,
        co2.grid_factor_scope,
        co2.grid_factor_kg_co2_per_kwh,
        co2.grid_factor_year,
        co2.fuels_not_reported,
        same_scope_as_2005.co2_same_fuels_as_2005_t,
        same_scope_as_2005.fuels_not_in_2005,
        any_value(energy_per_gdp_tce_per_10k_yuan) filter (where year = 2020)
            over (partition by region_code) as energy_per_gdp_2020,
        any_value(co2_per_gdp_t_per_10k_yuan) filter (where year = 2020)
            over (partition by region_code) as co2_per_gdp_2020,
        any_value(co2_per_gdp_t_per_10k_yuan) filter (where year = 2005)
            over (partition by region_code) as co2_per_gdp_2005
    from indicators
    left join co2 using (year, region_code)
    left join same_scope_as_2005 using (year, region_code)
)

select
    region_code, region_name_zh, region_name_en, region_level, year,
    energy_consumption_tce,
    co2_fuel_combustion_t,
    co2_purchased_electricity_t,
    co2_emissions_t,
    grid_factor_scope,
    grid_factor_kg_co2_per_kwh,
    grid_factor_year,
    fuels_not_reported,
    gdp_comparable_prices_10k_yuan,
    energy_per_gdp_tce_per_10k_yuan,
    co2_per_gdp_t_per_10k_yuan,
    round(100 * (1 - energy_per_gdp_tce_per_10k_yuan / energy_per_gdp_2020), 4)
        as energy_per_gdp_reduction_vs_2020_pct,
    round(100 * (1 - co2_per_gdp_t_per_10k_yuan / co2_per_gdp_2020), 4) as co2_per_gdp_reduction_vs_2020_pct,
    round(100 * (1 - co2_per_gdp_t_per_10k_yuan / co2_per_gdp_2005), 4) as co2_per_gdp_reduction_vs_2005_pct,
    fuels_not_in_2005,
    co2_same_fuels_as_2005_t,
    round(100 * (1 - co2_same_fuels_as_2005_t / gdp_comparable_prices_10k_yuan / co2_per_gdp_2005), 4)
        as co2_per_gdp_reduction_vs_2005_same_fuels_pct,
    provenance,
    is_revised
from with_baselines
-- GDP alone (no energy balance) is economy data, not a carbon row
where energy_consumption_tce is not null or co2_emissions_t is not null
