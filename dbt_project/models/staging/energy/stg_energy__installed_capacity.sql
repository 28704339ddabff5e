-- Installed generation capacity by type, county/district and year (发改委 统计报表, .xlsx),
-- in kW, regions as GB/T 2260 codes; the latest vintage per year and region.
with source as (
    select * from {{ source('energy', 'energy_installed_capacity') }}
),

region_aliases as (
    {{ region_alias_lookup() }}
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
        {{ provenance_from_note('source.data_note') }} as provenance,
        source._load_id as load_id,
        source._row_number as source_row_number,
        source._fetched_at as fetched_at
    from source
    left join region_aliases
        on {{ normalize_name('source.region') }} = region_aliases.alias_key
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
