-- Industry above designated size for the city (经信局 统计报表, .xlsx): energy use (tce),
-- value added at 2020 prices (10^4 yuan), green parks and factories (cumulative), bulk
-- industrial solid waste (t); the latest vintage per year.
with source as (
    select * from {{ source('industry', 'industry_green_manufacturing') }}
),

typed as (
    select
        cast({{ to_number('year') }} as integer) as year,
        '511900' as region_code,
        {{ convert_unit(to_number('energy_use'), '万吨标准煤', 'tce') }} as energy_use_tce,
        {{ convert_unit(to_number('value_added_2020_prices'), '亿元', '10^4 yuan') }}
            as value_added_2020_prices_10k_yuan,
        {{ to_number('green_parks') }} as green_parks,
        {{ to_number('green_factories') }} as green_factories,
        {{ convert_unit(to_number('bulk_waste_generated'), '万吨', 't') }} as bulk_waste_generated_t,
        {{ convert_unit(to_number('bulk_waste_utilized'), '万吨', 't') }} as bulk_waste_utilized_t,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
