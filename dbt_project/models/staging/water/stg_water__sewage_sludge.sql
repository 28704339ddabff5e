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
        {{ staged_numbers('water', 'water_sewage_sludge', 'source') }}
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
