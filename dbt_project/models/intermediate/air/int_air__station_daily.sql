{{ config(
    materialized='incremental',
    unique_key=['station_code', 'day'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}
-- Daily values per station (GB 3095-2012 表4 data validity, HJ 663-2013 §4):
--   * hour labels are hour ending: 01:00 is the first hour of a day, 00:00 the last (24时)
--     of the day before;
--   * a 24-hour mean needs at least 20 valid hourly values;
--   * the O3 8-hour moving average ending at hour h (8…24) needs at least 6 valid hours; the
--     daily maximum 8-hour mean (MDA8) needs at least 14 valid 8-hour means, unless fewer
--     still exceed the Grade II limit (160 ug/m3), which makes the day count;
--   * results are rounded by GB/T 8170 (round half to even): ug/m3 to integers, CO to 0.1.
-- Incremental by month, like its staging model: a run recomputes only the months that
-- received rows fetched after the last run (a new month, or a revision).
with hourly as (
    select
        station_code,
        region_code,
        provenance,
        fetched_at,
        cast(hour_ending - interval 1 hour as date) as day,
        hour(hour_ending - interval 1 hour) + 1 as hour_of_day,
        pm25_ugm3, pm10_ugm3, so2_ugm3, no2_ugm3, co_mgm3, o3_ugm3
    from {{ ref('stg_air__hourly_readings') }}
    {%- if is_incremental() %}
    where reading_month in (
        select distinct reading_month
        from {{ ref('stg_air__hourly_readings') }}
        where fetched_at > (select max(loaded_through) from {{ this }})
    )
    {%- endif %}
),

o3_8h as (
    select
        *,
        avg(o3_ugm3) over eight_hours as o3_8h_mean,
        count(o3_ugm3) over eight_hours as o3_8h_valid_hours
    from hourly
    window eight_hours as (
        partition by station_code, day order by hour_of_day range between 7 preceding and current row
    )
),

daily as (
    select
        station_code,
        any_value(region_code) as region_code,
        day,
        case when bool_or(provenance = 'sample') then 'sample' else 'published' end as provenance,
        max(fetched_at) as loaded_through,
        count(pm25_ugm3) as pm25_valid_hours,
        {%- for column in ['pm25_ugm3', 'pm10_ugm3', 'so2_ugm3', 'no2_ugm3', 'co_mgm3'] %}
        case when count({{ column }}) >= 20
             then round_even(avg({{ column }}), {{ 1 if column == 'co_mgm3' else 0 }}) end
            as {{ column | replace('_ugm3', '_24h_ugm3') | replace('_mgm3', '_24h_mgm3') }},
        {%- endfor %}
        case when count(o3_ugm3) >= 20 then max(o3_ugm3) end as o3_1h_max_ugm3,
        count(*) filter (where hour_of_day >= 8 and o3_8h_valid_hours >= 6) as o3_8h_valid_windows,
        max(o3_8h_mean) filter (where hour_of_day >= 8 and o3_8h_valid_hours >= 6) as o3_8h_max_raw
    from o3_8h
    group by station_code, day
)

select
    * exclude (o3_8h_max_raw),
    case when o3_8h_valid_windows >= 14 or o3_8h_max_raw > 160
         then round_even(o3_8h_max_raw, 0) end as o3_mda8_ugm3
from daily
