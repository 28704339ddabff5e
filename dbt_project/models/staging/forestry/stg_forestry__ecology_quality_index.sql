-- Ecological quality index (生态环境局, CSV) by region and year; the latest vintage.
with source as (
    select * from {{ source('forestry', 'ecology_quality_index') }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        {{ to_number('source.eqi') }} as eqi,
        source.eqi_class,
        {{ lineage_columns('source') }}
    from source
    {{ join_region_code('source.region') }}
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
