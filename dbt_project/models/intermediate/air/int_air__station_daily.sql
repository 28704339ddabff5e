{{ config(on_schema_change='append_new_columns', **hourly_incremental(['station_code', 'day'], 'day')) }}
{#- Bump when the computation changes: days computed by another version are recomputed (an
    incremental model otherwise keeps them as they were; version 2 keeps values unrounded,
    version 3 puts each day on its 24-hour grid). #}
{%- set logic_version = 3 %}
-- Daily values per station (GB 3095-2012 表4 data validity, HJ 663-2013 §4):
--   * hour labels are hour ending: 01:00 is the first hour of a day, 00:00 the last (24时)
--     of the day before;
--   * every day is laid on its full 24-hour grid: an hour a file lacks (no row at all) is a
--     missing value like a blank one, so the windows ending at it are still judged;
--   * a 24-hour mean needs at least 20 valid hourly values;
--   * the O3 8-hour moving average ending at hour h (8…24) needs at least 6 valid hours; the
--     daily maximum 8-hour mean (MDA8) needs at least 14 valid 8-hour means, unless fewer
--     still exceed the Grade II limit (160 ug/m3), which makes the day count;
--   * the O3 daily 1-hour maximum needs 20 valid hours, unless the MDA8 is above 800 ug/m3:
--     then it stands in for the 8-hour sub-index (HJ 633-2012 表1 note 3) and the hours there
--     are enough (every 8-hour mean above 800 has hours above 800; missing ones only hide more);
--   * values are kept unrounded (exact to 1e-9, macros/gbt8170.sql): HJ 663-2013 rounds the
--     evaluated result, so the region's daily value (the mean of its stations) and the annual
--     statistics are computed from unrounded station values and rounded once, by GB/T 8170.
-- Incremental by month, like its staging model: a run recomputes only the months that
-- received rows fetched after the last run (a new month, or a revision), and the months
-- computed by an earlier logic_version.
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
    {%- if 'logic_version' in adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
    or reading_month in (
        select distinct date_trunc('month', day) from {{ this }}
        where logic_version is distinct from {{ logic_version }}
    )
    {%- else %}
    or true  -- built before logic versions: recompute every month once
    {%- endif %}
    {%- endif %}
),

station_days as (
    select
        station_code,
        day,
        any_value(region_code) as region_code,
        {{ provenance_computed('provenance') }} as provenance,
        max(fetched_at) as loaded_through
    from hourly
    group by station_code, day
),

grid as (
    select
        station_days.*,
        hours.hour_of_day,
        hourly.pm25_ugm3, hourly.pm10_ugm3, hourly.so2_ugm3, hourly.no2_ugm3, hourly.co_mgm3,
        hourly.o3_ugm3
    from station_days
    cross join (values
        {%- for h in range(1, 25) %}
        ({{ h }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as hours (hour_of_day)
    left join hourly
        on hourly.station_code = station_days.station_code
        and hourly.day = station_days.day
        and hourly.hour_of_day = hours.hour_of_day
),

o3_8h as (
    select
        *,
        {{ mean_nano('o3_ugm3', 'over eight_hours') }} as o3_8h_mean_nano,
        count(o3_ugm3) over eight_hours as o3_8h_valid_hours
    from grid
    window eight_hours as (
        partition by station_code, day order by hour_of_day range between 7 preceding and current row
    )
),

daily as (
    select
        station_code,
        any_value(region_code) as region_code,
        day,
        any_value(provenance) as provenance,
        max(loaded_through) as loaded_through,
        count(pm25_ugm3) as pm25_valid_hours,
        {%- for column in ['pm25_ugm3', 'pm10_ugm3', 'so2_ugm3', 'no2_ugm3', 'co_mgm3'] %}
        case when count({{ column }}) >= 20 then {{ from_nano(mean_nano(column)) }} end
            as {{ column | replace('_ugm3', '_24h_ugm3') | replace('_mgm3', '_24h_mgm3') }},
        {%- endfor %}
        count(o3_ugm3) as o3_valid_hours,
        max(o3_ugm3) as o3_1h_max_any,
        count(*) filter (where hour_of_day >= 8 and o3_8h_valid_hours >= 6) as o3_8h_valid_windows,
        max(o3_8h_mean_nano) filter (where hour_of_day >= 8 and o3_8h_valid_hours >= 6) as o3_8h_max_nano
    from o3_8h
    group by station_code, day
),

mda8 as (
    select
        *,
        case when o3_8h_valid_windows >= 14 or o3_8h_max_nano > cast(160000000000 as {{ big_int() }})
             then {{ from_nano('o3_8h_max_nano') }} end as o3_mda8_ugm3
    from daily
)

select
    station_code, region_code, day, provenance, loaded_through, pm25_valid_hours,
    pm25_24h_ugm3, pm10_24h_ugm3, so2_24h_ugm3, no2_24h_ugm3, co_24h_mgm3,
    case when o3_valid_hours >= 20 or o3_mda8_ugm3 > 800 then o3_1h_max_any end as o3_1h_max_ugm3,
    o3_8h_valid_windows,
    {{ logic_version }} as logic_version,
    o3_mda8_ugm3
from mda8
