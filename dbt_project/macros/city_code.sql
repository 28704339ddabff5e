{# The city's GB/T 2260 code as a SQL string (var city_code): the row a dataset reported for
   the whole city carries, and the row every county/district sums to. #}
{% macro city_code() -%}
    '{{ var("city_code") }}'
{%- endmacro %}
