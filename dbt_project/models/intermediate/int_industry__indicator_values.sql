-- Industry indicators for the city in long form: energy per unit of value added at 2020
-- prices (plan target T28 is its reduction, computed in the target series), certified green
-- parks and factories, bulk industrial solid waste utilisation rate.
with computed as (
    select
        'industry_green_manufacturing' as source_id, year, region_code, provenance, load_id, revised,
        energy_use_tce / nullif(value_added_2020_prices_10k_yuan, 0) as industrial_energy_per_value_added,
        cast(green_parks as double) as green_industrial_parks,
        cast(green_factories as double) as green_factories,
        100.0 * bulk_waste_utilized_t / nullif(bulk_waste_generated_t, 0)
            as bulk_industrial_solid_waste_utilization_rate
    from {{ ref('stg_industry__green_manufacturing') }}
)

select * from computed
unpivot (obs_value for indicator_code in (
    industrial_energy_per_value_added, green_industrial_parks, green_factories,
    bulk_industrial_solid_waste_utilization_rate
))
