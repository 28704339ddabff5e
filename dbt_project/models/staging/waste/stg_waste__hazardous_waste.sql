-- Hazardous waste by county/district and year (生态环境局 open-data API), typed, tonnes,
-- regions as GB/T 2260 codes; the latest vintage per year and region.
with source as (
    select * from {{ source('waste', 'waste_hazardous_waste') }}
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
        {{ lineage_columns('source') }}
    from source
    {{ join_region_code('source.region') }}
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
