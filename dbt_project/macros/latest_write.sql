{# Tests on a big incremental model check only the rows its latest run wrote: a test with
   `config: {where: __latest_write__}` reads `written_at = max(written_at)` of the model.
   An incremental run rewrites whole months, so every row-level test (not null, ranges,
   relationships) and every key that lies within a month (station-hour) stays sound; a
   --full-refresh writes, and so tests, everything. A placeholder because `where` is rendered
   when the project is parsed, and the latest write is known only when the test runs (the
   documented way: override get_where_subquery). #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == '__latest_write__' -%}
        {%- do return('(select * from ' ~ relation ~ ' where written_at = (select max(written_at) from '
                      ~ relation ~ ')) dbt_subquery') -%}
    {%- endif -%}
    {%- do return(dbt.default__get_where_subquery(relation)) -%}
{%- endmacro %}
