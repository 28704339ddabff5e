-- Rural living environment and livestock manure by county/district and year (农业农村局,
-- GBK CSV by file drop, one file per year); the latest vintage per year and region.
with source as (
    select * from {{ source('water', 'water_rural_environment') }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        source.region as region_as_received,
        {{ to_number('source.villages') }} as villages,
        {{ to_number('source.villages_sewage_treated') }} as villages_sewage_treated,
        {{ convert_unit(to_number('source.rural_households'), '万户', '户') }} as rural_households,
        {{ convert_unit(to_number('source.sanitary_toilet_households'), '万户', '户') }}
            as sanitary_toilet_households,
        {{ to_number('source.demo_households') }} as demo_households,
        {{ to_number('source.demo_harmless_toilet_households') }} as demo_harmless_toilet_households,
        {{ convert_unit(to_number('source.manure_generated'), '万吨', 't') }} as manure_generated_t,
        {{ convert_unit(to_number('source.manure_utilized'), '万吨', 't') }} as manure_utilized_t,
        {{ to_number('source.large_farms') }} as large_farms,
        {{ to_number('source.large_farms_equipped') }} as large_farms_equipped,
        {{ lineage_columns('source') }}
    from source
    {{ join_region_code('source.region') }}
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
