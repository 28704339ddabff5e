{# Same rule as ingestion.catalog.normalize_name: full-width ASCII to half-width, no white space.
   Chinese statistical files use full-width digits, brackets and spaces (domain_research §4.2). #}
{% macro normalize_name(expr) -%}
    regexp_replace(
        translate({{ expr }},
            '０１２３４５６７８９．，－（）ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ',
            '0123456789.,-()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'),
        '\s|\x{3000}', '', 'g')
{%- endmacro %}

{# A raw text cell as a number: NULL for missing markers. A unit written in the cell
   ('12.5万吨') is dropped: landing has already checked it is the contract's unit and
   quarantined anything else that does not parse. #}
{% macro to_number(expr) -%}
    try_cast(regexp_replace(replace({{ normalize_name(expr) }}, ',', ''), '[^0-9.]+$', '') as double)
{%- endmacro %}

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
