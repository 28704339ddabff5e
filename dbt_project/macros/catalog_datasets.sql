{# The datasets of sources.yml as a relation (dataset_id, department, update_cycle_zh), from
   the generated source YAML's meta: an indicator's 提供方 and 更新周期 are its datasets',
   read from the one place they are declared. At parse time there is no graph: no rows. #}
{% macro catalog_datasets() -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- for node in graph.sources.values() if node.meta.department -%}
            {%- do rows.append("('" ~ node.name ~ "', '" ~ node.meta.department ~ "', '"
                               ~ node.meta.update_cycle_zh ~ "')") -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if rows %}
    select * from (values
        {{ rows | join(',\n        ') }}
    ) as datasets (dataset_id, department, update_cycle_zh)
    {%- else %}
    select
        cast(null as varchar) as dataset_id,
        cast(null as varchar) as department,
        cast(null as varchar) as update_cycle_zh
    where false
    {%- endif %}
{%- endmacro %}
