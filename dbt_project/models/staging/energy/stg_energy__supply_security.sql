-- Energy supply security for the city (发改委/供电公司, GB18030 CSV): gas and shale oil
-- production capacity, grid investment, power supply reliability; the latest vintage per year.
with source as (
    select * from {{ source('energy', 'energy_supply_security') }}
),

typed as (
    select
        year__value as year,
        {{ city_code() }} as region_code,
        {{ staged_numbers('energy', 'energy_supply_security') }}
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
