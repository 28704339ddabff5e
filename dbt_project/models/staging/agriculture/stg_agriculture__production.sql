-- Livestock at year end by type (head), rice sown area (ha) and nitrogen fertiliser applied
-- (t N) by county/district and year, regions as GB/T 2260 codes; the latest vintage per year
-- and region. The GHG inventory's agriculture activity data.
with source as (
    select * from {{ source('agriculture', 'agriculture_production') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.region as region_as_received,
        {{ staged_numbers('agriculture', 'agriculture_production', 'source') }}
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
