{# Multiply into the canonical unit, using the unit_conversions seed. A unit missing from the
   seed yields NULL, which the not_null tests on canonical columns catch. #}
{% macro convert_unit(expr, from_unit, to_unit) -%}
    ({{ expr }}) * (
        select factor from {{ ref('unit_conversions') }}
        where from_unit = '{{ from_unit }}' and to_unit = '{{ to_unit }}'
    )
{%- endmacro %}

{# Provenance of a source row: the bundled sample files say so in their note column. #}
{% macro provenance_from_note(expr) -%}
    case when {{ expr }} like '%样例%' or lower({{ expr }}) like '%sample%'
         then 'sample' else 'published' end
{%- endmacro %}
