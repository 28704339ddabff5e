-- Urban domestic waste collected and treated harmlessly, by county/district and year, in
-- tonnes, regions as GB/T 2260 codes; the latest vintage per year and region.
with source as (
    select * from {{ source('waste', 'waste_domestic_waste') }}
),

region_aliases as (
    {{ region_alias_lookup() }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        source.region as region_as_received,
        {{ convert_unit(to_number('source.collected'), '万吨', 't') }} as collected_t,
        {{ convert_unit(to_number('source.harmless_treated'), '万吨', 't') }} as harmless_treated_t,
        {{ provenance_from_note('source.data_note') }} as provenance,
        source._load_id as load_id,
        source._row_number as source_row_number,
        source._fetched_at as fetched_at
    from source
    left join region_aliases
        on {{ normalize_name('source.region') }} = region_aliases.alias_key
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
