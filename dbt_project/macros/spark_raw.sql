{# Spark reads the raw datasets landed as Parquet (sources whose meta says storage: parquet,
   generated from ingestion/sources.yml) as external tables over the same files DuckDB reads:
   <raw_dir>/<dataset>/, Hive-partitioned by month where the source's meta names a partition.
   The datasets must have landed (Spark reads their schema from the files). Run once per
   cluster, and again after a new month or a field added to such a dataset:
   `dbt run-operation register_raw_parquet --target spark_thrift` (var raw_dir: where the
   cluster sees the warehouse's raw/ folder; default $BAZHONG_DATA_DIR/raw). mergeSchema: a
   field added to the contract later is in the newer files only. `--args '{datasets: [...]}'`:
   only these (the benchmark lands the air feed alone). #}
{% macro register_raw_parquet(datasets=none) %}
    {% set raw_dir = var('raw_dir', env_var('BAZHONG_DATA_DIR', '../data') ~ '/raw') %}
    {% do run_query("create database if not exists raw") %}
    {% for source in graph.sources.values() if source.meta.get('storage') == 'parquet'
                                                and (datasets is none or source.name in datasets) %}
        {% set table = "raw." ~ source.name %}
        {% set partition = source.meta.get('partition') %}
        {% do run_query("drop table if exists " ~ table) %}
        {# the schema and the partition column are read from the files (Spark refuses both an
           inferred schema and PARTITIONED BY); a month's partition is then registered #}
        {% do run_query("create table " ~ table ~ " using parquet options (mergeSchema 'true') location '"
                        ~ raw_dir ~ "/" ~ source.name ~ "'") %}
        {% if partition %}
            {% do run_query("alter table " ~ table ~ " recover partitions") %}
        {% endif %}
        {{ log("registered " ~ table ~ " over " ~ raw_dir ~ "/" ~ source.name, info=true) }}
    {% endfor %}
{% endmacro %}
