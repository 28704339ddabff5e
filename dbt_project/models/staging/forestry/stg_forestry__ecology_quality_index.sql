-- Ecological quality index (生态环境局, CSV) by region and year; the latest vintage.
with source as (
    select * from {{ source('forestry', 'ecology_quality_index') }}
),

region_aliases as (
    {{ region_alias_lookup() }}
),

typed as (
    select
        cast({{ to_number('source.year') }} as integer) as year,
        region_aliases.region_code,
        {{ to_number('source.eqi') }} as eqi,
        source.eqi_class,
        {{ provenance_from_note('source.data_note') }} as provenance,
        source._load_id as load_id,
        source._row_number as source_row_number,
        source._fetched_at as fetched_at
    from source
    left join region_aliases
        on {{ normalize_name('source.region') }} = region_aliases.alias_key
)

{{ keep_latest_vintage('typed', ['year', 'region_code']) }}
