{# Provenance rolled up one way everywhere (values: sample, published, derived).

   provenance_computed: a figure computed from others (a sum, a mean, a count, a rate) is
   'sample' if any input is sample (generated data never passes for statistics), else
   'derived'. Given one expression it aggregates over the group's rows; given a list, it
   compares the columns of one row.

   provenance_weakest: a row that keeps figures as they were reported (a mart row of several
   indicators, a target judged on a series, the cells of one source row) is as weak as its
   weakest: sample, else derived, else published. #}
{% macro provenance_computed(expr) -%}
    {%- if expr is string -%}
    case when bool_or({{ expr }} = 'sample') then 'sample' else 'derived' end
    {%- else -%}
    case when 'sample' in ({{ expr | join(', ') }}) then 'sample' else 'derived' end
    {%- endif -%}
{%- endmacro %}

{% macro provenance_weakest(expr) -%}
    case when bool_or({{ expr }} = 'sample') then 'sample'
         when bool_or({{ expr }} = 'derived') then 'derived'
         else 'published' end
{%- endmacro %}
