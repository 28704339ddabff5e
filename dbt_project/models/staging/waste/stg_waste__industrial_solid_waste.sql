-- General industrial solid waste by county/district and year, typed, in tonnes, regions as
-- GB/T 2260 codes. Raw keeps every vintage; this keeps the latest per year and region.
with source as (
    select * from {{ source('waste', 'waste_industrial_solid_waste') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.region as region_as_received,
        {{ staged_numbers('waste', 'waste_industrial_solid_waste', 'source') }}
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
