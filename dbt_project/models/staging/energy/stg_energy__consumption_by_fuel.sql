-- City energy consumption by fuel (统计局/发改委, GBK CSV), physical units converted to
-- t, m3, kWh and tce; the latest vintage per year.
with source as (
    select * from {{ source('energy', 'energy_consumption_by_fuel') }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        {{ convert_unit(to_number('source.raw_coal'), '万吨', 't') }} as raw_coal_t,
        {{ convert_unit(to_number('source.gasoline'), '万吨', 't') }} as gasoline_t,
        {{ convert_unit(to_number('source.diesel'), '万吨', 't') }} as diesel_t,
        {{ convert_unit(to_number('source.lpg'), '万吨', 't') }} as lpg_t,
        {{ convert_unit(to_number('source.natural_gas'), '亿立方米', 'm3') }} as natural_gas_m3,
        {{ convert_unit(to_number('source.electricity'), '亿千瓦时', 'kWh') }} as electricity_kwh,
        {{ convert_unit(to_number('source.purchased_electricity'), '亿千瓦时', 'kWh') }}
            as net_imported_electricity_kwh,
        {{ convert_unit(to_number('source.non_fossil_tce'), '万吨标准煤', 'tce') }} as non_fossil_tce,
        {{ convert_unit(to_number('source.total_tce'), '万吨标准煤', 'tce') }} as total_tce,
        {{ lineage_columns('source') }}
    from source
    {{ join_region_code('source.region') }}
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
