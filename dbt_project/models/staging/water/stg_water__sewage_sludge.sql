-- Urban sewage and sewage sludge by county/district and year (住建局 统计报表, .xlsx), m3
-- and t; the latest vintage per year and region.
with source as (
    select * from {{ source('water', 'water_sewage_sludge') }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        source.region as region_as_received,
        {{ convert_unit(to_number('source.sewage_discharged'), '万立方米', 'm3') }} as sewage_discharged_m3,
        {{ convert_unit(to_number('source.sewage_treated'), '万立方米', 'm3') }} as sewage_treated_m3,
        {{ convert_unit(to_number('source.sludge_generated'), '吨', 't') }} as sludge_generated_t,
        {{ convert_unit(to_number('source.sludge_treated'), '吨', 't') }} as sludge_treated_t,
        {{ lineage_columns('source') }}
    from source
    {{ join_region_code('source.region') }}
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
