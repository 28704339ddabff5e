-- Urban domestic waste collected and treated harmlessly, by county/district and year, in
-- tonnes, regions as GB/T 2260 codes; the latest vintage per year and region.
with source as (
    select * from {{ source('waste', 'waste_domestic_waste') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.region as region_as_received,
        {{ staged_numbers('waste', 'waste_domestic_waste', 'source') }}
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
