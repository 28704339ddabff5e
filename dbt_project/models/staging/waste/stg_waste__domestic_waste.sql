-- Urban domestic waste collected and treated harmlessly, by county/district and year, in
-- tonnes, regions as GB/T 2260 codes; the latest vintage per year and region.
with source as (
    select * from {{ source('waste', 'waste_domestic_waste') }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        source.region as region_as_received,
        {{ convert_unit(to_number('source.collected'), '万吨', 't') }} as collected_t,
        {{ convert_unit(to_number('source.harmless_treated'), '万吨', 't') }} as harmless_treated_t,
        {{ lineage_columns('source') }}
    from source
    {{ join_region_code('source.region') }}
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
