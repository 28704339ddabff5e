-- Ecological quality index (生态环境局, CSV) by region and year; the latest vintage.
with source as (
    select * from {{ source('forestry', 'ecology_quality_index') }}
),

typed as (
    select
        source.year__value as year,
        source.region__code as region_code,
        {{ staged_numbers('forestry', 'ecology_quality_index', 'source') }}
        source.eqi_class,
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
