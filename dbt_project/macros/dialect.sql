{# Where DuckDB (target `local`) and Spark (target `spark`, dbt-spark) write the same thing
   differently: one macro per difference, both sides next to each other. Models call these and
   are never copied per engine. Which models run on Spark: the `spark` selector in
   selectors.yml, with the reason. #}

{# a ÷ b for integers, truncated #}
{% macro int_div(a, b) -%}{{ adapter.dispatch('int_div')(a, b) }}{%- endmacro %}
{% macro default__int_div(a, b) -%}(({{ a }}) // ({{ b }})){%- endmacro %}
{% macro spark__int_div(a, b) -%}(({{ a }}) div ({{ b }})){%- endmacro %}

{# integers wider than the sums they hold: nano-unit products (Spark has no HUGEINT; BIGINT
   holds the air path's sums: ≤ 9.2e18, at most ~1e16 here) #}
{% macro big_int() -%}{{ adapter.dispatch('big_int')() }}{%- endmacro %}
{% macro default__big_int() -%}hugeint{%- endmacro %}
{% macro spark__big_int() -%}bigint{%- endmacro %}

{# a point in time with its zone (the fetch time, a run's start) #}
{% macro timestamp_tz() -%}{{ adapter.dispatch('timestamp_tz')() }}{%- endmacro %}
{% macro default__timestamp_tz() -%}timestamptz{%- endmacro %}
{% macro spark__timestamp_tz() -%}timestamp{%- endmacro %}

{# every column but these: select {{ star_except(['a', 'b']) }} #}
{% macro star_except(columns) -%}{{ adapter.dispatch('star_except')(columns) }}{%- endmacro %}
{% macro default__star_except(columns) -%}* exclude ({{ columns | join(', ') }}){%- endmacro %}
{% macro spark__star_except(columns) -%}* except ({{ columns | join(', ') }}){%- endmacro %}

{# a hash of a row's columns but these (DuckDB also skips names ending in `suffixes`; Spark
   cannot select columns by pattern) #}
{% macro row_hash_except(columns, suffixes) -%}{{ adapter.dispatch('row_hash_except')(columns, suffixes) }}{%- endmacro %}
{% macro default__row_hash_except(columns, suffixes) -%}
    hash(*columns(c -> c not in ('{{ columns | join("', '") }}')
                  {%- for s in suffixes %} and not suffix(c, '{{ s }}'){% endfor %}))
{%- endmacro %}
{% macro spark__row_hash_except(columns, suffixes) -%}
    xxhash64(* except ({{ columns | join(', ') }}))
{%- endmacro %}

{# values joined with `sep` in the order of `order_by` #}
{% macro ordered_string_agg(expr, sep, order_by) -%}{{ adapter.dispatch('ordered_string_agg')(expr, sep, order_by) }}{%- endmacro %}
{% macro default__ordered_string_agg(expr, sep, order_by) -%}
    string_agg({{ expr }}, '{{ sep }}' order by {{ order_by }})
{%- endmacro %}
{% macro spark__ordered_string_agg(expr, sep, order_by) -%}
    string_agg({{ expr }}, '{{ sep }}') within group (order by {{ order_by }})
{%- endmacro %}

{# An hourly model's incremental config: DuckDB replaces the rebuilt keys (delete+insert);
   Spark, without Delta or Iceberg, overwrites the partitions rebuilt (a run rebuilds whole
   months, so whole partitions). #}
{% macro hourly_incremental(unique_key, partition_column) -%}
    {%- if target.type == 'spark' -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
                   'partition_by': [partition_column], 'file_format': 'parquet'}) }}
    {%- else -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
                   'unique_key': unique_key}) }}
    {%- endif -%}
{%- endmacro %}

{# days from `start` to `end` (dates) as an integer #}
{% macro days_between(start, end) -%}{{ adapter.dispatch('days_between')(start, end) }}{%- endmacro %}
{% macro default__days_between(start, end) -%}date_diff('day', {{ start }}, {{ end }}){%- endmacro %}
{% macro spark__days_between(start, end) -%}datediff({{ end }}, {{ start }}){%- endmacro %}

{# a date as its month, 'YYYY-MM' #}
{% macro year_month(date) -%}{{ adapter.dispatch('year_month')(date) }}{%- endmacro %}
{% macro default__year_month(date) -%}strftime({{ date }}, '%Y-%m'){%- endmacro %}
{% macro spark__year_month(date) -%}date_format({{ date }}, 'yyyy-MM'){%- endmacro %}

{# num as a percentage of den, a DOUBLE on both engines (Spark computes 100.0 * … in DECIMAL,
   which rounds half-way cases differently and reaches BI tools as another type) #}
{% macro percentage_of(num, den) -%}(100e0 * ({{ num }}) / ({{ den }})){%- endmacro %}
