{# GDP at comparable (2020) prices per region and year, with its provenance: the
   denominator of every intensity indicator (energy and CO2 per unit of GDP). #}
{% macro gdp_comparable_prices() -%}
    select year, region_code, obs_value as gdp_comparable_prices, provenance as gdp_provenance
    from {{ ref('int_economy__indicator_values') }}
    where indicator_code = 'gdp_comparable_prices'
{%- endmacro %}
