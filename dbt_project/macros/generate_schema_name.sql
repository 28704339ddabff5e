{# Layer schemas by their plain names (staging, intermediate, marts, reference), not
   dbt's default <target>_<custom> concatenation: analysts query marts.mart_... directly. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
