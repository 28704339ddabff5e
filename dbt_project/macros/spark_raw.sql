{# Spark reads a raw dataset as an external table over Parquet files (one folder per dataset;
   DuckDB's raw tables are exported to it for now, landing writes it directly once raw data is
   shared by both engines: issue 28). `dbt run-operation register_raw_parquet --target spark
   --args '{dataset: air_hourly_readings, path: /data/raw/air_hourly_readings}'`. #}
{% macro register_raw_parquet(dataset, path) %}
    {% do run_query("create database if not exists raw") %}
    {% do run_query("drop table if exists raw." ~ dataset) %}
    {% do run_query("create table raw." ~ dataset ~ " using parquet location '" ~ path ~ "'") %}
{% endmacro %}
