{# Whether `value` meets a target under `comparator` (>=, >, <=, ~). '~' ("about") is met
   within ±tolerance × |target|. NULL when either side is unknown. #}
{% macro target_met(value, comparator, target, tolerance) -%}
    case {{ comparator }}
        when '>=' then {{ value }} >= {{ target }}
        when '>' then {{ value }} > {{ target }}
        when '<=' then {{ value }} <= {{ target }}
        when '~' then abs({{ value }} - {{ target }}) <= {{ tolerance }} * abs({{ target }})
    end
{%- endmacro %}
