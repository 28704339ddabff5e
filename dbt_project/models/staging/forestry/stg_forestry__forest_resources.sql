-- Forest resources by region and year (林业局, GBK CSV): coverage as published, stock volume
-- in m3, riparian shelterbelt planted in km; the city row is the bureau's own figure. The
-- latest vintage per year and region.
with source as (
    select * from {{ source('forestry', 'forestry_resources') }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        source.region as region_as_received,
        {{ to_number('source.forest_coverage') }} as forest_coverage_pct,
        {{ convert_unit(to_number('source.stock_volume'), '万立方米', 'm3') }} as stock_volume_m3,
        {{ convert_unit(to_number('source.shelterbelt_km'), '公里', 'km') }} as shelterbelt_planted_km,
        {{ lineage_columns('source') }}
    from source
    {{ join_region_code('source.region') }}
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
