-- Each automatic monitoring station (千吨万人 water sources) and day: readings, daily means and
-- the day's GB 3838-2002 class by the single-factor rule on DO, CODMn, NH3-N and TP
-- (gb3838_limits; TP by the source's water body). A day is classed only with >= 4 of its 6
-- four-hourly readings complete (all four parameters): this project's rule, so a day with
-- two readings does not speak for the whole day. Daily means are exact (integers of 1e-9,
-- macros/gbt8170.sql) and rounded once by GB/T 8170: a DOUBLE mean summed in another order
-- by a parallel rebuild would round 7.625 either way and change a published figure.
with readings as (
    select * from {{ ref('stg_water__auto_monitoring_readings') }}
),

limits as (
    select * from {{ ref('int_water__drinking_source_limits') }}
),

sources as (
    select distinct source_code, source_name, region_code from limits
),

daily as (
    select
        station_code,
        any_value(station_name) as station_name,
        any_value(source_code) as source_code,
        cast(reading_time as date) as day,
        any_value(year) as year,
        count(*) as readings_received,
        count(*) filter (where do_mgl is not null and codmn_mgl is not null and nh3n_mgl is not null
                         and tp_mgl is not null) as readings_complete,
        {{ from_nano(mean_nano('ph')) }} as ph,
        {{ from_nano(mean_nano('do_mgl')) }} as do_mgl,
        {{ from_nano(mean_nano('codmn_mgl')) }} as codmn_mgl,
        {{ from_nano(mean_nano('nh3n_mgl')) }} as nh3n_mgl,
        {{ from_nano(mean_nano('tp_mgl')) }} as tp_mgl,
        {{ from_nano(mean_nano('turbidity_ntu')) }} as turbidity_ntu,
        {{ from_nano(mean_nano('conductivity_us_cm')) }} as conductivity_us_cm,
        {{ provenance_computed('provenance') }} as provenance
    from readings
    group by station_code, cast(reading_time as date)
),

measured as (
    -- the SQL-standard UNPIVOT, which DuckDB and Spark both read
    select station_code, day, source_code, parameter, concentration
    from (select station_code, day, source_code, do_mgl, codmn_mgl, nh3n_mgl, tp_mgl from daily) as wide
    unpivot (concentration for parameter in (do_mgl, codmn_mgl, nh3n_mgl, tp_mgl))
),

parameter_classes as (
    select m.station_code, m.day, m.parameter, {{ gb3838_class_rank('m.concentration', 'l') }} as class_rank
    from measured as m
    inner join limits as l using (source_code, parameter)
),

day_classes as (
    select
        station_code,
        day,
        {{ gb3838_class_ranks() }}
    from parameter_classes
    group by station_code, day
),

class_codes as (
    select distinct class_rank, class_code from {{ ref('water_quality_classes') }}
)

select
    daily.station_code,
    daily.station_name,
    daily.source_code,
    sources.source_name,
    sources.region_code,
    daily.day,
    daily.year,
    daily.readings_received,
    daily.readings_complete,
    {{ gbt8170_round('daily.ph', 2) }} as ph,
    {{ gbt8170_round('daily.do_mgl', 2) }} as do_mgl,
    {{ gbt8170_round('daily.codmn_mgl', 2) }} as codmn_mgl,
    {{ gbt8170_round('daily.nh3n_mgl', 3) }} as nh3n_mgl,
    {{ gbt8170_round('daily.tp_mgl', 3) }} as tp_mgl,
    {{ gbt8170_round('daily.turbidity_ntu', 1) }} as turbidity_ntu,
    {{ gbt8170_round('daily.conductivity_us_cm', 0) }} as conductivity_us_cm,
    day_classes.do_class_rank,
    day_classes.codmn_class_rank,
    day_classes.nh3n_class_rank,
    day_classes.tp_class_rank,
    case when daily.readings_complete >= 4 then day_classes.class_rank end as water_class_rank,
    case when daily.readings_complete >= 4 then class_codes.class_code end as water_class,
    case when daily.readings_complete >= 4 then day_classes.class_rank <= 3 end as is_class_iii_or_better,
    daily.provenance
from daily
left join sources using (source_code)
left join day_classes using (station_code, day)
left join class_codes on class_codes.class_rank = day_classes.class_rank
