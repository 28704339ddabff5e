-- Rural living environment and livestock manure by county/district and year (农业农村局,
-- GBK CSV by file drop, one file per year); the latest vintage per year and region.
with source as (
    select * from {{ source('water', 'water_rural_environment') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.region as region_as_received,
        source.villages__value as villages,
        source.villages_sewage_treated__value as villages_sewage_treated,
        source.rural_households__value as rural_households,
        source.sanitary_toilet_households__value
            as sanitary_toilet_households,
        source.demo_households__value as demo_households,
        source.demo_harmless_toilet_households__value as demo_harmless_toilet_households,
        source.manure_generated__value as manure_generated_t,
        source.manure_utilized__value as manure_utilized_t,
        source.large_farms__value as large_farms,
        source.large_farms_equipped__value as large_farms_equipped,
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
