-- Industry above designated size for the city (经信局 统计报表, .xlsx): energy use (tce),
-- value added at 2020 prices (10^4 yuan), green parks and factories (cumulative), bulk
-- industrial solid waste (t); the latest vintage per year.
with source as (
    select * from {{ source('industry', 'industry_green_manufacturing') }}
),

typed as (
    select
        year__value as year,
        {{ city_code() }} as region_code,
        {{ staged_numbers('industry', 'industry_green_manufacturing') }}
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
