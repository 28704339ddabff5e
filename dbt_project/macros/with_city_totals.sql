{# County/district observations (long form: source_id, year, region_code, provenance,
   load_id, revised, indicator_code, obs_value) plus the city's: the sum over its
   counties/districts, only in years where every one of them reported (a partial sum would
   understate the city). Functional zones overlap the districts and are never summed.
   A sum of sample figures stays 'sample'; of published ones it is 'derived'. #}
{% macro with_city_totals(county_relation) -%}
    with counties as (
        {{ counties_with_siblings() }}
    ),

    city as (
        select
            c.source_id,
            c.year,
            counties.parent_code as region_code,
            {{ provenance_computed('c.provenance') }} as provenance,
            cast(null as varchar) as load_id,
            bool_or(c.revised) as revised,
            c.indicator_code,
            -- a fixed order: float sums must not change between reruns of the same data
            sum(c.obs_value order by c.region_code) as obs_value
        from {{ county_relation }} as c
        inner join counties using (region_code)
        group by all
        having count(*) = any_value(counties.siblings)
    )

    select * from {{ county_relation }}
    union all by name
    select * from city
{%- endmacro %}

{# The same rule for a wide relation (year, region_code, provenance, load_id, revised
   and amount columns): adds the city's row, each amount summed over its counties/districts
   in years where every one reported it. Rates are then computed from the sums. #}
{% macro with_city_sums(relation, amount_columns) -%}
    with counties as (
        {{ counties_with_siblings() }}
    ),

    city as (
        select
            r.year,
            counties.parent_code as region_code,
            {{ provenance_computed('r.provenance') }} as provenance,
            cast(null as varchar) as load_id,
            bool_or(r.revised) as revised,
            {%- for column in amount_columns %}
            case when count(r.{{ column }}) = any_value(counties.siblings)
                 then sum(r.{{ column }} order by r.region_code) end as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ relation }} as r
        inner join counties using (region_code)
        group by r.year, counties.parent_code
        having count(*) = any_value(counties.siblings)
    )

    select year, region_code, provenance, load_id, revised, {{ amount_columns | join(', ') }}
    from {{ relation }}
    union all by name
    select * from city
{%- endmacro %}


{# Each county/district with its parent and how many siblings it has (zones excluded). #}
{% macro counties_with_siblings() -%}
    select region_code, parent_code, count(*) over (partition by parent_code) as siblings
    from {{ ref('regions') }}
    where region_level in ('district', 'county')
{%- endmacro %}
