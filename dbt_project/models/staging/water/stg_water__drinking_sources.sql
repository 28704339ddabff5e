-- Centralised drinking water sources, one row per source and year (生态环境局 API): level,
-- the GB 3838 class as reported (rank from the water_quality_classes seed), water body type
-- and annual mean concentrations (mg/L), warning station and automatic monitoring as
-- booleans; the latest vintage per year and source.
with source as (
    select * from {{ source('water', 'water_drinking_sources') }}
),

classes as (
    select {{ normalize_name('class_label') }} as class_key, class_rank, class_code
    from {{ ref('water_quality_classes') }}
),

typed as (
    select
        source.year__value as year,
        source.source_code,
        source.source_name,
        source.region__code as region_code,
        case {{ normalize_name('source.source_level') }}
            when '城市' then 'urban' when '乡镇' then 'township' end as source_level,
        {{ normalize_name('source.serves_thousand_ton') }} = '是' as serves_thousand_ton,
        source.water_class as water_class_as_received,
        classes.class_rank as water_class_rank,
        classes.class_code as water_class,
        case {{ normalize_name('source.water_body_type') }}
            when '河流型' then 'river' when '湖库型' then 'lake_reservoir' end as water_body,
        source.do_mgl__value as do_mgl,
        source.codmn_mgl__value as codmn_mgl,
        source.nh3n_mgl__value as nh3n_mgl,
        source.tp_mgl__value as tp_mgl,
        {{ normalize_name('source.has_warning_station') }} = '是' as has_warning_station,
        {{ normalize_name('source.has_auto_monitoring') }} = '是' as has_auto_monitoring,
        {{ lineage_columns('source') }}
    from source
    left join classes
        on {{ normalize_name('source.water_class') }} = classes.class_key
)

{{ keep_latest_vintage('typed', ['year', 'source_code'], not_values=['water_class_as_received']) }}
