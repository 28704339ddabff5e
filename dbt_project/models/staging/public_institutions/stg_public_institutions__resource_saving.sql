-- Public institutions for the city (机关事务服务中心/财政局 API): resource-saving organs,
-- green procurement (yuan), energy use (tce) and floor area (m2); the latest vintage per year.
with source as (
    select * from {{ source('public_institutions', 'public_institutions_resource_saving') }}
),

typed as (
    select
        year__value as year,
        {{ city_code() }} as region_code,
        {{ staged_numbers('public_institutions', 'public_institutions_resource_saving') }}
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
