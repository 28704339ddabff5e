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


{# The worst class over a group's parameters and each parameter's own class (do_class_rank,
   codmn_class_rank, nh3n_class_rank, tp_class_rank), from rows of parameter and class_rank. #}
{% macro gb3838_class_ranks() -%}
    max(class_rank) as class_rank,
    {%- for p in ['do_mgl', 'codmn_mgl', 'nh3n_mgl', 'tp_mgl'] %}
    any_value(class_rank) filter (where parameter = '{{ p }}')
        as {{ p | replace('_mgl', '') }}_class_rank{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
