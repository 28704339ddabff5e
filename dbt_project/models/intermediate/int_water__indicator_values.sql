-- Water indicators in long form, every rate from its numerator and denominator.
-- Sewage, sludge and rural environment: each county/district, and the city from the sums of
-- its counties/districts in complete years (macro with_city_sums). Drinking water sources:
-- shares and counts over the sources of each county/district and of the whole city, with
-- each source's GB 3838 class from int_water__drinking_source_classes.
with sewage as (
    {{ with_city_sums(ref('stg_water__sewage_sludge'),
        ['sewage_discharged_m3', 'sewage_treated_m3', 'sludge_generated_t', 'sludge_treated_t']) }}
),

rural as (
    {{ with_city_sums(ref('stg_water__rural_environment'),
        ['villages', 'villages_sewage_treated', 'rural_households', 'sanitary_toilet_households',
         'demo_households', 'demo_harmless_toilet_households', 'manure_generated_t',
         'manure_utilized_t', 'large_farms', 'large_farms_equipped']) }}
),

sources as (
    select
        year,
        coalesce(region_code, '511900') as region_code,
        max(provenance) as provenance,
        bool_or(revised) as revised,
        100.0 * count(*) filter (where source_level = 'urban' and has_warning_station)
            / nullif(count(*) filter (where source_level = 'urban'), 0)
            as drinking_water_source_warning_station_coverage,
        100.0 * count(*) filter (where source_level = 'urban' and water_class_rank <= 3)
            / nullif(count(*) filter (where source_level = 'urban'), 0)
            as urban_drinking_water_sources_class_iii_share,
        100.0 * count(*) filter (where source_level = 'township' and water_class_rank <= 3)
            / nullif(count(*) filter (where source_level = 'township'), 0)
            as township_drinking_water_sources_class_iii_share,
        -- T60's 21 systems, in the plan's scope (clause (十三)): the county-level-and-above
        -- urban sources' warning stations plus the automatic systems at the 千吨万人 township
        -- sources of 通江县 (511921) and 巴州区 (511902); other counties' are not counted
        cast(count(*) filter (
            where (source_level = 'urban' and (has_warning_station or has_auto_monitoring))
               or (source_level = 'township' and serves_thousand_ton and has_auto_monitoring
                   and region_code in ('511921', '511902'))) as double)
            as township_water_source_warning_systems
    from {{ ref('int_water__drinking_source_classes') }}
    group by grouping sets ((year, region_code), (year))
),

-- the automatic monitoring feed's own count: stations that reported in the year (capture
-- >= 75 %), per county and for the city; only years the feed covers
auto_monitoring as (
    select
        'water_auto_monitoring_readings' as source_id,
        year,
        coalesce(region_code, '511900') as region_code,
        max(provenance) as provenance,
        cast(null as varchar) as load_id,
        false as revised,
        'water_source_auto_monitoring_systems_reporting' as indicator_code,
        cast(count(*) filter (where is_reporting) as double) as obs_value
    from {{ ref('int_water__auto_monitoring_station_years') }}
    group by grouping sets ((year, region_code), (year))
)

select * from (
    select
        'water_sewage_sludge' as source_id, year, region_code, provenance, load_id, revised,
        100.0 * sewage_treated_m3 / nullif(sewage_discharged_m3, 0) as urban_sewage_collection_treatment_rate,
        100.0 * sludge_treated_t / nullif(sludge_generated_t, 0) as sewage_sludge_treatment_disposal_rate
    from sewage
)
unpivot (obs_value for indicator_code in (
    urban_sewage_collection_treatment_rate, sewage_sludge_treatment_disposal_rate
))
union all by name
select * from (
    select
        'water_rural_environment' as source_id, year, region_code, provenance, load_id, revised,
        100.0 * villages_sewage_treated / nullif(villages, 0) as village_sewage_treatment_share,
        100.0 * sanitary_toilet_households / nullif(rural_households, 0) as rural_sanitary_toilet_coverage,
        100.0 * demo_harmless_toilet_households / nullif(demo_households, 0)
            as demonstration_village_harmless_toilet_coverage,
        100.0 * manure_utilized_t / nullif(manure_generated_t, 0) as livestock_manure_utilization_rate,
        100.0 * large_farms_equipped / nullif(large_farms, 0) as livestock_farm_manure_facility_matching_rate
    from rural
)
unpivot (obs_value for indicator_code in (
    village_sewage_treatment_share, rural_sanitary_toilet_coverage,
    demonstration_village_harmless_toilet_coverage, livestock_manure_utilization_rate,
    livestock_farm_manure_facility_matching_rate
))
union all by name
select * from (
    select 'water_drinking_sources' as source_id, cast(null as varchar) as load_id, * from sources
)
unpivot (obs_value for indicator_code in (
    drinking_water_source_warning_station_coverage, urban_drinking_water_sources_class_iii_share,
    township_drinking_water_sources_class_iii_share, township_water_source_warning_systems
))
union all by name
select * from auto_monitoring
