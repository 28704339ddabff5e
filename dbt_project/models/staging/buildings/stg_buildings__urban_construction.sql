-- Urban construction and green buildings for the city (住建局, GBK CSV): areas in ha and
-- m2, rates as published; the latest vintage per year.
with source as (
    select * from {{ source('buildings', 'buildings_urban_construction') }}
),

typed as (
    select
        year__value as year,
        {{ city_code() }} as region_code,
        {{ staged_numbers('buildings', 'buildings_urban_construction') }}
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
