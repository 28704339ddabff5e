-- Installed generation capacity by type, county/district and year (发改委 统计报表, .xlsx),
-- in kW, regions as GB/T 2260 codes; the latest vintage per year and region.
with source as (
    select * from {{ source('energy', 'energy_installed_capacity') }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        source.region as region_as_received,
        {{ convert_unit(to_number('source.hydro'), '万千瓦', 'kW') }} as hydro_kw,
        {{ convert_unit(to_number('source.wind'), '万千瓦', 'kW') }} as wind_kw,
        {{ convert_unit(to_number('source.solar_pv'), '万千瓦', 'kW') }} as solar_pv_kw,
        {{ convert_unit(to_number('source.biomass'), '万千瓦', 'kW') }} as biomass_kw,
        {{ lineage_columns('source') }}
    from source
    {{ join_region_code('source.region') }}
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
