-- Buildings indicators for the city in long form: shares from floor areas, green coverage
-- from areas; rates the bureau publishes as rates pass through; supervision platforms counted.
with computed as (
    select
        'buildings_urban_construction' as source_id, year, region_code, provenance, load_id, revised,
        100.0 * green_covered_area_ha / nullif(built_up_area_ha, 0) as urban_green_coverage_rate,
        100.0 * prefabricated_floor_area_started_m2 / nullif(floor_area_started_m2, 0)
            as prefabricated_building_share,
        100.0 * star_green_floor_area_m2 / nullif(green_floor_area_m2, 0) as star_rated_green_building_share,
        100.0 * green_floor_area_m2 / nullif(new_urban_floor_area_m2, 0) as green_building_share_new_urban,
        renewable_substitution_pct as building_renewable_substitution_rate,
        rooftop_pv_coverage_pct as rooftop_pv_coverage_new_buildings,
        cast(waste_supervision_platforms as double) as domestic_waste_supervision_platforms
    from {{ ref('stg_buildings__urban_construction') }}
)

select * from computed
unpivot (obs_value for indicator_code in (
    urban_green_coverage_rate, prefabricated_building_share, star_rated_green_building_share,
    green_building_share_new_urban, building_renewable_substitution_rate,
    rooftop_pv_coverage_new_buildings, domestic_waste_supervision_platforms
))
