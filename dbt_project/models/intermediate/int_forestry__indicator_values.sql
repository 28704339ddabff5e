-- Forestry and ecology indicators in long form for the city and each county/district, as the
-- bureaus publish them (the city row is the bureau's own figure, not a sum: coverage is an
-- area ratio and the bureau measures it for the whole city).
with forest as (
    select
        'forestry_resources' as source_id, year, region_code, provenance, load_id, revised,
        forest_coverage_pct as forest_coverage_rate,
        stock_volume_m3 as forest_stock_volume,
        shelterbelt_planted_km as riparian_shelterbelt_planted_length
    from {{ ref('stg_forestry__forest_resources') }}
),

eqi as (
    select
        'ecology_quality_index' as source_id, year, region_code, provenance, load_id, revised,
        eqi as ecological_quality_index
    from {{ ref('stg_forestry__ecology_quality_index') }}
)

select * from forest
unpivot (obs_value for indicator_code in (
    forest_coverage_rate, forest_stock_volume, riparian_shelterbelt_planted_length
))
union all by name
select * from eqi
unpivot (obs_value for indicator_code in (ecological_quality_index))
