-- General industrial solid waste by county/district and year, typed, in tonnes, regions as
-- GB/T 2260 codes. Raw keeps every vintage; this keeps the latest per year and region.
with source as (
    select * from {{ source('waste', 'waste_industrial_solid_waste') }}
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
        {{ lineage_columns('source') }}
    from source
    {{ join_region_code('source.region') }}
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
