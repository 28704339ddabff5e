{# GB 3838-2002 class (1 = I … 5 = V, 6 = worse than V) of one concentration against a row `limits`
   of the gb3838_limits seed: the best class whose limit it meets (maxima; DO is a minimum). #}
{% macro gb3838_class_rank(value, limits) -%}
    case
        when {{ limits }}.limit_kind = 'maximum' then
            case when {{ value }} <= {{ limits }}.class_1 then 1 when {{ value }} <= {{ limits }}.class_2 then 2
                 when {{ value }} <= {{ limits }}.class_3 then 3 when {{ value }} <= {{ limits }}.class_4 then 4
                 when {{ value }} <= {{ limits }}.class_5 then 5 else 6 end
        else
            case when {{ value }} >= {{ limits }}.class_1 then 1 when {{ value }} >= {{ limits }}.class_2 then 2
                 when {{ value }} >= {{ limits }}.class_3 then 3 when {{ value }} >= {{ limits }}.class_4 then 4
                 when {{ value }} >= {{ limits }}.class_5 then 5 else 6 end
    end
{%- endmacro %}
