{# A domain mart: one row per region and year, one column per indicator, read from the
   conformed fact (so every mart agrees with it), with the region's names, the row's
   provenance (sample if any figure is sample, else derived if any is derived) and whether a
   figure was revised. Which indicator fills which column is said once, in the model's YAML:
   a column with `meta: {indicator: <indicator_code>}` (the GX mart suites read the same
   meta). A region/year without any of the indicators gets no row. #}
{% macro indicator_mart() -%}
    {%- set columns = {} -%}
    {%- if model.resource_type == 'unit_test' -%}
        {#- a unit test renders without the model's YAML or the graph: it names the
            columns it expects in var indicator_columns (overrides: vars:) -#}
        {%- do columns.update(var('indicator_columns', {})) -%}
    {%- endif -%}
    {%- for name, column in model.columns.items() if column.meta.indicator -%}
        {%- do columns.update({column.meta.indicator: name}) -%}
    {%- endfor -%}
    {%- if execute and not columns -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": indicator_mart() found no column with meta.indicator in the model's YAML") }}
    {%- endif %}
    with observations as (
        select * from {{ ref('fct_indicator_observation') }}
        where indicator_code in ('{{ columns.keys() | join("', '") }}')
    ),

    wide as (
        pivot (select ref_area, time_period, indicator_code, obs_value from observations)
        on indicator_code in ('{{ columns.keys() | join("', '") }}')
        using any_value(obs_value)
        group by ref_area, time_period
    ),

    row_meta as (
        select
            ref_area,
            time_period,
            {{ provenance_weakest('provenance') }} as provenance,
            bool_or(obs_status = 'R') as is_revised
        from observations
        group by all
    )

    select
        dim_region.region_code,
        dim_region.name_zh as region_name_zh,
        dim_region.name_en as region_name_en,
        dim_region.region_level,
        cast(wide.time_period as integer) as year,
        {%- for indicator_code, column_name in columns.items() %}
        wide."{{ indicator_code }}" as {{ column_name }},
        {%- endfor %}
        row_meta.provenance,
        row_meta.is_revised
    from wide
    inner join row_meta using (ref_area, time_period)
    inner join {{ ref('dim_region') }} as dim_region on dim_region.region_code = wide.ref_area
{%- endmacro %}
