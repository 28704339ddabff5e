-- Transport statistics for the city (交通运输局, GBK CSV): vehicles added, freight by mode,
-- green travel, green highways, charging facilities; the latest vintage per year.
with source as (
    select * from {{ source('transport', 'transport_statistics') }}
),

typed as (
    select
        year__value as year,
        {{ city_code() }} as region_code,
        {{ staged_numbers('transport', 'transport_statistics') }}
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
