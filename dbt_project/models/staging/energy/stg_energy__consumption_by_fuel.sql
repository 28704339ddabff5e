-- City energy consumption by fuel (统计局/发改委, GBK CSV), physical units converted to
-- t, m3, kWh and tce; the latest vintage per year.
with source as (
    select * from {{ source('energy', 'energy_consumption_by_fuel') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.raw_coal__value as raw_coal_t,
        source.gasoline__value as gasoline_t,
        source.diesel__value as diesel_t,
        source.lpg__value as lpg_t,
        source.natural_gas__value as natural_gas_m3,
        source.electricity__value as electricity_kwh,
        source.purchased_electricity__value
            as net_imported_electricity_kwh,
        source.non_fossil_tce__value as non_fossil_tce,
        source.total_tce__value as total_tce,
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
