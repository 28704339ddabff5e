-- General industrial solid waste by county/district and year, typed, in tonnes, regions as
-- GB/T 2260 codes. Raw keeps every vintage; this keeps the latest per year and region.
with source as (
    select * from {{ source('waste', 'waste_industrial_solid_waste') }}
),

region_aliases as (
    {{ region_alias_lookup() }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        source.region as region_as_received,
        {{ convert_unit(to_number('source.generated'), '万吨', 't') }} as generated_t,
        {{ convert_unit(to_number('source.utilized'), '万吨', 't') }} as utilized_t,
        {{ convert_unit(to_number('source.utilized_from_storage'), '万吨', 't') }} as utilized_from_storage_t,
        {{ convert_unit(to_number('source.disposed'), '万吨', 't') }} as disposed_t,
        {{ convert_unit(to_number('source.stored'), '万吨', 't') }} as stored_t,
        {{ provenance_from_note('source.data_note') }} as provenance,
        source._load_id as load_id,
        source._row_number as source_row_number,
        source._fetched_at as fetched_at
    from source
    left join region_aliases
        on {{ normalize_name('source.region') }} = region_aliases.alias_key
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
