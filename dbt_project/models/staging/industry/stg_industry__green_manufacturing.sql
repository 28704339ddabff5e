-- Industry above designated size for the city (经信局 统计报表, .xlsx): energy use (tce),
-- value added at 2020 prices (10^4 yuan), green parks and factories (cumulative), bulk
-- industrial solid waste (t); the latest vintage per year.
with source as (
    select * from {{ source('industry', 'industry_green_manufacturing') }}
),

typed as (
    select
        year__value as year,
        '511900' as region_code,
        energy_use__value as energy_use_tce,
        value_added_2020_prices__value
            as value_added_2020_prices_10k_yuan,
        green_parks__value as green_parks,
        green_factories__value as green_factories,
        bulk_waste_generated__value as bulk_waste_generated_t,
        bulk_waste_utilized__value as bulk_waste_utilized_t,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
