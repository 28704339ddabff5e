{# Helpers every staging model uses, so each one reads as its own column list. #}

{# Region names as sources write them → GB/T 2260 codes, matched after normalize_name. #}
{% macro region_alias_lookup() -%}
    select {{ normalize_name('alias') }} as alias_key, region_code
    from {{ ref('region_aliases') }}
{%- endmacro %}

{# Raw keeps every vintage; staging keeps the latest per natural key (newest fetch wins)
   and says how many vintages there were (>1: revised). #}
{% macro keep_latest_vintage(relation, key_columns) -%}
    select
        *,
        count(*) over (partition by {{ key_columns | join(', ') }}) as vintage_count
    from {{ relation }}
    qualify row_number() over (
        partition by {{ key_columns | join(', ') }} order by fetched_at desc, load_id desc
    ) = 1
{%- endmacro %}
