-- Energy structure per region and year: consumption by fuel in tce (physical quantities ×
-- the coal_equivalent_coefficients seed), non-fossil and coal shares (T01, T02, T19), and
-- installed capacity by type with hydro + wind + solar (T08–T14).
with fuels as (
    select
        year,
        region_code,
        sum(quantity * ncv.kgce_per_unit / 1000) filter (where fuel_code = 'raw_coal') as raw_coal_tce,
        sum(quantity * ncv.kgce_per_unit / 1000) filter (where fuel_code = 'gasoline') as gasoline_tce,
        sum(quantity * ncv.kgce_per_unit / 1000) filter (where fuel_code = 'diesel') as diesel_tce,
        sum(quantity * ncv.kgce_per_unit / 1000) filter (where fuel_code = 'lpg') as lpg_tce,
        sum(quantity * ncv.kgce_per_unit / 1000) filter (where fuel_code = 'natural_gas')
            as natural_gas_tce
    from {{ ref('int_carbon__co2_by_fuel') }}
    inner join {{ ref('coal_equivalent_coefficients') }} as ncv using (fuel_code)
    where emission_source = 'fuel_combustion'
    group by year, region_code
),

non_fossil as (
    select year, region_code, non_fossil_tce
    from {{ ref('stg_energy__consumption_by_fuel') }}
),

indicators as (
    {{ indicator_mart() }}
)

select
    indicators.* exclude (provenance, is_revised),
    fuels.raw_coal_tce,
    fuels.gasoline_tce,
    fuels.diesel_tce,
    fuels.lpg_tce,
    fuels.natural_gas_tce,
    non_fossil.non_fossil_tce,
    -- what the fuel list does not itemise (other oil products, coke, heat, electricity
    -- balance …): total − itemised fuels − non-fossil
    indicators.energy_consumption_tce - fuels.raw_coal_tce - fuels.gasoline_tce - fuels.diesel_tce
        - fuels.lpg_tce - fuels.natural_gas_tce - non_fossil.non_fossil_tce as other_energy_tce,
    indicators.installed_capacity_hydro_wind_solar_kw + coalesce(indicators.installed_capacity_biomass_kw, 0)
        as installed_capacity_renewable_kw,
    indicators.provenance,
    indicators.is_revised
from indicators
left join fuels using (year, region_code)
left join non_fossil using (year, region_code)
