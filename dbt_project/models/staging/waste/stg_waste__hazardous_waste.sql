-- Hazardous waste by county/district and year (生态环境局 open-data API), typed, tonnes,
-- regions as GB/T 2260 codes; the latest vintage per year and region.
with source as (
    select * from {{ source('waste', 'waste_hazardous_waste') }}
),

region_aliases as (
    {{ region_alias_lookup() }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        source.region as region_as_received,
        {{ convert_unit(to_number('source.generated'), '吨', 't') }} as generated_t,
        {{ convert_unit(to_number('source.stored_earlier'), '吨', 't') }} as stored_earlier_t,
        {{ convert_unit(to_number('source.utilized'), '吨', 't') }} as utilized_t,
        {{ convert_unit(to_number('source.disposed'), '吨', 't') }} as disposed_t,
        {{ provenance_from_note('source.data_note') }} as provenance,
        source._load_id as load_id,
        source._row_number as source_row_number,
        source._fetched_at as fetched_at
    from source
    left join region_aliases
        on {{ normalize_name('source.region') }} = region_aliases.alias_key
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
