-- Urban construction and green buildings for the city (住建局, GBK CSV): areas in ha and
-- m2, rates as published; the latest vintage per year.
with source as (
    select * from {{ source('buildings', 'buildings_urban_construction') }}
),

typed as (
    select
        cast({{ to_number('year') }} as integer) as year,
        '511900' as region_code,
        {{ to_number('built_up_area') }} as built_up_area_ha,
        {{ to_number('green_covered_area') }} as green_covered_area_ha,
        {{ convert_unit(to_number('new_floor_area'), '万平方米', 'm2') }} as floor_area_started_m2,
        {{ convert_unit(to_number('prefabricated_floor_area'), '万平方米', 'm2') }}
            as prefabricated_floor_area_started_m2,
        {{ convert_unit(to_number('new_urban_floor_area'), '万平方米', 'm2') }} as new_urban_floor_area_m2,
        {{ convert_unit(to_number('green_floor_area'), '万平方米', 'm2') }} as green_floor_area_m2,
        {{ convert_unit(to_number('star_green_floor_area'), '万平方米', 'm2') }} as star_green_floor_area_m2,
        {{ to_number('renewable_substitution') }} as renewable_substitution_pct,
        {{ to_number('rooftop_pv_coverage') }} as rooftop_pv_coverage_pct,
        {{ to_number('waste_platforms') }} as waste_supervision_platforms,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
