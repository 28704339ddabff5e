{# Exact means and GB/T 8170-2008 数值修约 (round half to even). A mean in DOUBLE puts an exact
   .x5 a hair off the tie (0.8 and 0.9 average to 0.8500000000000001, which rounds up), so
   values are carried as integers of 1e-9 ("nano-units"), summed and divided in integers, and
   rounded once, where a value is published (HJ 663: results are rounded, not the steps).
   For values ≥ 0 (concentrations). #}

{# expr (a number with at most 9 decimals, below about 1e6) as an integer of nano-units: the
   DOUBLE product lands within 1e-3 of the integer, so rounding it is exact (and far cheaper
   than a DECIMAL cast); sums stay far below BIGINT's range #}
{% macro to_nano(expr) -%}
    cast(round(cast({{ expr }} as double) * 1e9) as bigint)
{%- endmacro %}

{# num ÷ den for integers ≥ 0, rounded half to even; NULL when den is 0 #}
{% macro div_half_even(num, den) -%}
    {%- set n, d = '(' ~ num ~ ')', '(' ~ den ~ ')' -%}
    ({{ int_div(n, d) }} + case when 2 * ({{ n }} % {{ d }}) > {{ d }}
        or (2 * ({{ n }} % {{ d }}) = {{ d }} and {{ int_div(n, d) }} % 2 = 1) then 1 else 0 end)
{%- endmacro %}

{# the mean of expr over the group (or a window: over_clause), in nano-units #}
{% macro mean_nano(expr, over_clause='') -%}
    {{ div_half_even('sum(' ~ to_nano(expr) ~ ') ' ~ over_clause, 'count(' ~ expr ~ ') ' ~ over_clause) }}
{%- endmacro %}

{# nano-units as DOUBLE: unrounded, or rounded to `digits` decimals by GB/T 8170 #}
{% macro from_nano(nano, digits=none) -%}
    {%- if digits is none -%}
    cast({{ nano }} as double) / 1000000000
    {%- else -%}
    cast({{ div_half_even(nano, 10 ** (9 - digits)) }} as double) / {{ 10 ** digits }}
    {%- endif -%}
{%- endmacro %}

{# a DOUBLE that holds a nano-exact value, rounded to `digits` decimals by GB/T 8170 #}
{% macro gbt8170_round(expr, digits) -%}
    {{ from_nano(to_nano(expr), digits) }}
{%- endmacro %}
