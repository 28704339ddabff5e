{# Helpers every staging model uses, so each one reads as its own column list. #}

{# Region names as sources write them → GB/T 2260 codes, matched after normalize_name. #}
{% macro region_alias_lookup() -%}
    select {{ normalize_name('alias') }} as alias_key, region_code
    from {{ ref('region_aliases') }}
{%- endmacro %}

{# Raw keeps every vintage; staging keeps the latest per natural key (newest fetch wins)
   and says whether the key was revised: whether raw holds it with other values in another
   vintage. A file re-sent with one figure changed revises that row only; lineage columns
   and names as received (巴州 vs 巴州区) are no values. Compared by hash (min = max: one
   version), two windows of the same partition. Columns that are no values are found by their
   suffix on DuckDB; Spark cannot select by pattern, so a model that runs there names its own
   (`not_values`). #}
{% macro keep_latest_vintage(relation, key_columns, not_values=[]) -%}
    {%- set partition = 'partition by ' ~ key_columns | join(', ') %}
    select
        {{ star_except(['value_hash']) }},
        min(value_hash) over ({{ partition }}) <> max(value_hash) over ({{ partition }}) as revised
    from (
        select
            *,
            {{ row_hash_except(['provenance', 'load_id', 'source_row_number', 'fetched_at'] + not_values,
                               ['_as_received', '_provenance']) }} as value_hash
        from {{ relation }}
    )
    qualify row_number() over (
        {{ partition }} order by fetched_at desc, load_id desc
    ) = 1
{%- endmacro %}


{# The columns every staging model carries from raw: provenance (from the column where the
   source labels sample data, its note by default), the load, the row's position in the
   source, and the fetch time. #}
{% macro lineage_columns(relation=none, note_column='data_note') -%}
    {%- set p = relation ~ '.' if relation else '' -%}
    {{ provenance_from_note(p ~ note_column) }} as provenance,
    {{ p }}_load_id as load_id,
    {{ p }}_row_number as source_row_number,
    {{ p }}_fetched_at as fetched_at
{%- endmacro %}

{# Map a source's region name to its GB/T 2260 code (NULL when unknown: tests catch it). #}
{% macro join_region_code(name_expr) -%}
    left join ({{ region_alias_lookup() }}) as region_aliases
        on {{ normalize_name(name_expr) }} = region_aliases.alias_key
{%- endmacro %}


{# Every number field of a raw table, typed at landing, under its staging name (sources.yml:
   the field's name, or its staged_as): a field added to sources.yml reaches staging, and the
   indicators declared on it, without an edit here. Read from the generated source YAML
   (meta.staged_as); at parse time there is no graph and nothing is selected. #}
{% macro staged_numbers(source_name, table_name, relation=none) -%}
    {%- set p = relation ~ '.' if relation else '' -%}
    {%- if execute -%}
    {%- set nodes = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
                    | selectattr('name', 'equalto', table_name) | list -%}
    {%- if not nodes -%}
        {{ exceptions.raise_compiler_error("staged_numbers: no source " ~ source_name ~ "." ~ table_name) }}
    {%- endif -%}
    {%- for column in nodes[0].columns.values() if column.meta.staged_as %}
        {{ p }}{{ column.name }} as {{ column.meta.staged_as }},
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
