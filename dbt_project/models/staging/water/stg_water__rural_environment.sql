-- Rural living environment and livestock manure by county/district and year (农业农村局,
-- GBK CSV by file drop, one file per year); the latest vintage per year and region.
with source as (
    select * from {{ source('water', 'water_rural_environment') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.region as region_as_received,
        {{ staged_numbers('water', 'water_rural_environment', 'source') }}
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
