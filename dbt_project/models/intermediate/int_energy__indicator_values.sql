-- Energy indicators in long form.
-- Installed capacity: every county/district and the city (sums over complete years: macro
-- with_city_totals), by type and hydro + wind + solar together (plan target T08).
-- Consumption (city): total, non-fossil and coal shares (coal in tce with the
-- coal_equivalent_coefficients seed), energy per unit of GDP at 2020 prices.
-- Supply security (city): gas and shale oil capacity, distribution-grid share, reliability.
with county_capacity as (
    select
        'energy_installed_capacity' as source_id, year, region_code, provenance, load_id,
        revised, indicator_code, obs_value
    from {{ ref('stg_energy__installed_capacity') }}
    unpivot (obs_value for indicator_code in (
        hydro_kw as 'installed_capacity_hydro',
        wind_kw as 'installed_capacity_wind',
        solar_pv_kw as 'installed_capacity_solar_pv',
        biomass_kw as 'installed_capacity_biomass'
    ))
),

capacity as (
    {{ with_city_totals('county_capacity') }}
),

hydro_wind_solar as (
    select
        source_id, year, region_code, provenance, load_id, revised,
        'installed_capacity_hydro_wind_solar' as indicator_code,
        sum(obs_value) as obs_value
    from capacity
    where indicator_code in
        ('installed_capacity_hydro', 'installed_capacity_wind', 'installed_capacity_solar_pv')
    group by all
    having count(*) = 3
),

raw_coal as (
    select kgce_per_unit as tce_per_t from {{ ref('coal_equivalent_coefficients') }}
    where fuel_code = 'raw_coal'
),

gdp as (
    {{ gdp_comparable_prices() }}
),

consumption as (
    select
        'energy_consumption_by_fuel' as source_id, c.year, c.region_code,
        case when c.provenance = 'sample' or gdp.gdp_provenance = 'sample' then 'sample'
             else c.provenance end as provenance,
        c.load_id, c.revised,
        c.total_tce as energy_consumption_total,
        100.0 * c.non_fossil_tce / nullif(c.total_tce, 0) as non_fossil_energy_share,
        100.0 * c.raw_coal_t * raw_coal.tce_per_t / nullif(c.total_tce, 0) as coal_consumption_share,
        c.total_tce / nullif(gdp.gdp_comparable_prices, 0) as energy_consumption_per_gdp
    from {{ ref('stg_energy__consumption_by_fuel') }} as c
    cross join raw_coal
    left join gdp using (year, region_code)
),

supply as (
    select
        'energy_supply_security' as source_id, year, region_code, provenance, load_id, revised,
        gas_capacity_m3_per_year as natural_gas_production_capacity,
        shale_oil_capacity_t_per_year as shale_oil_production_capacity,
        distribution_investment_yuan as distribution_grid_investment,
        grid_investment_yuan as grid_investment_total,
        100.0 * distribution_investment_yuan / nullif(grid_investment_yuan, 0)
            as distribution_grid_investment_share,
        urban_reliability_pct as urban_power_supply_reliability,
        rural_reliability_pct as rural_power_supply_reliability
    from {{ ref('stg_energy__supply_security') }}
)

select * from capacity
union all by name
select * from hydro_wind_solar
union all by name
select * from consumption
unpivot (obs_value for indicator_code in (
    energy_consumption_total, non_fossil_energy_share, coal_consumption_share,
    energy_consumption_per_gdp
))
union all by name
select * from supply
unpivot (obs_value for indicator_code in (
    natural_gas_production_capacity, shale_oil_production_capacity, distribution_grid_investment,
    grid_investment_total, distribution_grid_investment_share, urban_power_supply_reliability,
    rural_power_supply_reliability
))
