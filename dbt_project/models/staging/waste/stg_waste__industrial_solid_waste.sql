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
        source.generated__value as generated_t,
        source.utilized__value as utilized_t,
        source.utilized_from_storage__value as utilized_from_storage_t,
        source.disposed__value as disposed_t,
        source.stored__value as stored_t,
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
