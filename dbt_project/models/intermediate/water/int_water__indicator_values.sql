-- Water indicators counted over drinking water sources and monitoring stations (sewage and
-- rural-environment rates are declared in the indicators seed: int_indicator_values).
-- Drinking water sources: shares and counts over the sources of each county/district and of
-- the whole city, with each source's GB 3838 class from int_water__drinking_source_classes.
with sources as (
    select
        year,
        coalesce(region_code, {{ city_code() }}) as region_code,
        {{ provenance_computed('provenance') }} as provenance,
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
        coalesce(region_code, {{ city_code() }}) as region_code,
        {{ provenance_computed('provenance') }} as provenance,
        cast(null as varchar) as load_id,
        false as revised,
        'water_source_auto_monitoring_systems_reporting' as indicator_code,
        cast(count(*) filter (where is_reporting) as double) as obs_value
    from {{ ref('int_water__auto_monitoring_station_years') }}
    group by grouping sets ((year, region_code), (year))
)

-- union all by name matches columns by name, so their counts may differ
select * from (  -- noqa: AM07
    select 'water_drinking_sources' as source_id, cast(null as varchar) as load_id, * from sources
) as drinking_sources
unpivot (obs_value for indicator_code in (
    drinking_water_source_warning_station_coverage, urban_drinking_water_sources_class_iii_share,
    township_drinking_water_sources_class_iii_share, township_water_source_warning_systems
))
union all by name
select * from auto_monitoring
