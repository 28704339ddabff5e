-- Installed generation capacity by type, county/district and year (发改委 统计报表, .xlsx),
-- in kW, regions as GB/T 2260 codes; the latest vintage per year and region.
with source as (
    select * from {{ source('energy', 'energy_installed_capacity') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.region as region_as_received,
        {{ staged_numbers('energy', 'energy_installed_capacity', 'source') }}
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
