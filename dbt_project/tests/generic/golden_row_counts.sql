{# Rows per year never fall below the golden count recorded for this table (seed
   golden_row_counts, written by `python -m expectations golden-counts` from a run on the
   bundled sample). A lost county or a join gone wrong shows up here; new data only adds
   rows. A warning, not an error: a department may withdraw a row, and a person decides. #}
{% test golden_row_counts(model, year_column='year') %}
    {{ config(severity='warn') }}
with golden as (
    select year, min_rows
    from {{ ref('golden_row_counts') }}
    where table_name = '{{ model.identifier }}'
),

actual as (
    select cast({{ year_column }} as integer) as year, count(*) as actual_rows
    from {{ model }}
    group by all
)

select golden.year, golden.min_rows, coalesce(actual.actual_rows, 0) as actual_rows
from golden
left join actual using (year)
where coalesce(actual.actual_rows, 0) < golden.min_rows
{% endtest %}
