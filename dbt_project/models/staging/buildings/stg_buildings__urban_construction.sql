-- Urban construction and green buildings for the city (住建局, GBK CSV): areas in ha and
-- m2, rates as published; the latest vintage per year.
with source as (
    select * from {{ source('buildings', 'buildings_urban_construction') }}
),

typed as (
    select
        year__value as year,
        '511900' as region_code,
        built_up_area__value as built_up_area_ha,
        green_covered_area__value as green_covered_area_ha,
        new_floor_area__value as floor_area_started_m2,
        prefabricated_floor_area__value
            as prefabricated_floor_area_started_m2,
        new_urban_floor_area__value as new_urban_floor_area_m2,
        green_floor_area__value as green_floor_area_m2,
        star_green_floor_area__value as star_green_floor_area_m2,
        renewable_substitution__value as renewable_substitution_pct,
        rooftop_pv_coverage__value as rooftop_pv_coverage_pct,
        waste_platforms__value as waste_supervision_platforms,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
