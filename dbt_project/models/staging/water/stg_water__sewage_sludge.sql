-- Urban sewage and sewage sludge by county/district and year (住建局 统计报表, .xlsx), m3
-- and t; the latest vintage per year and region.
with source as (
    select * from {{ source('water', 'water_sewage_sludge') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.region as region_as_received,
        source.sewage_discharged__value as sewage_discharged_m3,
        source.sewage_treated__value as sewage_treated_m3,
        source.sludge_generated__value as sludge_generated_t,
        source.sludge_treated__value as sludge_treated_t,
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
