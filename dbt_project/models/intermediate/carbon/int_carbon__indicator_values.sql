-- Carbon indicators in long form: energy CO2 (fuels + purchased electricity) and CO2 per unit
-- of GDP at comparable (2020) prices, for every region with a fuel balance.
with co2 as (
    select
        year, region_code,
        {{ provenance_computed('provenance') }} as provenance,
        any_value(load_id) as load_id,
        bool_or(revised) as revised,
        -- over the fuels reported; mart_carbon lists those a year leaves out
        sum(co2_t) as co2_emissions_energy
    from {{ ref('int_carbon__co2_by_fuel') }}
    group by year, region_code
),

gdp as (
    {{ gdp_comparable_prices() }}
),

carbon as (
    select
        'energy_consumption_by_fuel' as source_id, co2.year, co2.region_code,
        {{ provenance_computed(['co2.provenance', 'gdp.gdp_provenance']) }} as provenance,
        co2.load_id, co2.revised,
        co2.co2_emissions_energy,
        co2.co2_emissions_energy / nullif(gdp.gdp_comparable_prices, 0) as co2_per_gdp
    from co2
    left join gdp using (year, region_code)
)

select * from carbon
unpivot (obs_value for indicator_code in (co2_emissions_energy, co2_per_gdp))
