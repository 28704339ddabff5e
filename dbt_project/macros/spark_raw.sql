{# Spark reads a raw dataset as an external table over its Parquet folder. For now DuckDB's raw
   tables are exported to such folders; landing writes them directly once raw data is shared
   by both engines (issue 28). `dbt run-operation register_raw_parquet --target spark_thrift
   --args '{datasets: {air_hourly_readings: /data/raw/air_hourly_readings}}'`. #}
{% macro register_raw_parquet(datasets) %}
    {% do run_query("create database if not exists raw") %}
    {% for dataset, path in datasets.items() %}
        {% do run_query("drop table if exists raw." ~ dataset) %}
        {% do run_query("create table raw." ~ dataset ~ " using parquet location '" ~ path ~ "'") %}
    {% endfor %}
{% endmacro %}
