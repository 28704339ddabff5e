{# The co-control quadrant of a pollutant change against a CO2 change (both in %, same span):
   both down = synergy, one down and one up = trade-off, both up = co-increase (毛显强's
   co-control coordinate system; shared/reference/domain_research.md §5). One rule for the
   city's concentration proxy, its emissions basis and each enterprise. #}
{% macro synergy_quadrant(pollutant_change, co2_change) -%}
    case
        when {{ pollutant_change }} < 0 and {{ co2_change }} < 0 then 'synergy'
        when {{ pollutant_change }} < 0 and {{ co2_change }} > 0 then 'trade_off_pollutant_down_co2_up'
        when {{ pollutant_change }} > 0 and {{ co2_change }} < 0 then 'trade_off_co2_down_pollutant_up'
        when {{ pollutant_change }} > 0 and {{ co2_change }} > 0 then 'co_increase'
        when {{ pollutant_change }} is not null and {{ co2_change }} is not null then 'no_change'
    end
{%- endmacro %}
