-- Forest resources by region and year (林业局, GBK CSV): coverage as published, stock volume
-- in m3, riparian shelterbelt planted in km; the city row is the bureau's own figure. The
-- latest vintage per year and region.
with source as (
    select * from {{ source('forestry', 'forestry_resources') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.region as region_as_received,
        {{ staged_numbers('forestry', 'forestry_resources', 'source') }}
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
