{{ config(
    materialized='incremental',
    unique_key='reading_month',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}
-- Hourly air readings per station (生态环境局 monitoring export, one CSV per station-month),
-- typed: hour ending in local time, ug/m3 (CO mg/m3), region from the monitoring_stations
-- seed; provenance from the station name; the latest vintage per station and hour.
-- Incremental by month (the feed's partition): a run re-reads only the months that received
-- rows fetched after the last run (a new month, or a revision), with every vintage of them,
-- so the latest still wins; the month filter sits below the vintage window.
{%- set hour_ending = "strptime(" ~ normalize_name('hour') ~ ", ['%Y-%m-%d%H:%M', '%Y-%m-%dT%H:%M', "
                      ~ "'%Y-%m-%d%H:%M:%S', '%Y-%m-%dT%H:%M:%S'])" %}
with
{%- if is_incremental() %}
new_months as (
    select distinct date_trunc('month', {{ hour_ending }} - interval 1 hour) as reading_month
    from {{ source('air', 'air_hourly_readings') }}
    where _fetched_at > (select max(fetched_at) from {{ this }})
),
{%- endif %}

source as (
    select * from {{ source('air', 'air_hourly_readings') }}
    {%- if is_incremental() %}
    -- by the text's yyyy-mm (cheap on the whole history); the first hour-ending label of a
    -- month (01 00:00) is the last hour of the month before, so the next month's text too
    where left(trim(hour), 7) in (
        select strftime(reading_month, '%Y-%m') from new_months
        union all
        select strftime(reading_month + interval 1 month, '%Y-%m') from new_months
    )
    {%- endif %}
),

typed as (
    select
        source.station_code,
        stations.region_code,
        {{ hour_ending }} as hour_ending,
        {{ to_number('source.pm25') }} as pm25_ugm3,
        {{ to_number('source.pm10') }} as pm10_ugm3,
        {{ to_number('source.so2') }} as so2_ugm3,
        {{ to_number('source.no2') }} as no2_ugm3,
        {{ to_number('source.co') }} as co_mgm3,
        {{ to_number('source.o3') }} as o3_ugm3,
        -- the feed has no note column: sample stations say so in their name
        {{ lineage_columns('source', note_column='station_name') }}
    from source
    left join {{ ref('monitoring_stations') }} as stations using (station_code)
),

in_months as (
    select
        *,
        date_trunc('month', hour_ending - interval 1 hour) as reading_month,
        -- this run's rows: the model's tests check these only (macro get_where_subquery)
        cast('{{ run_started_at.isoformat() }}' as timestamptz) as written_at
    from typed
    {%- if is_incremental() %}
    where date_trunc('month', hour_ending - interval 1 hour) in (select reading_month from new_months)
    {%- endif %}
)

{{ keep_latest_vintage('in_months', ['station_code', 'hour_ending']) }}
