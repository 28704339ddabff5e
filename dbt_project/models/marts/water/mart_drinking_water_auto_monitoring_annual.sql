-- Each automatic monitoring station (and the water source it watches) per year: data capture
-- (complete readings against six a day), days by GB 3838 class, and exceedance events.
with days as (
    select * from {{ ref('mart_drinking_water_auto_monitoring') }}
),

events as (
    select station_code, year(started_at) as year, count(*) as exceedance_events,
           sum(readings) as exceedance_readings
    from {{ ref('mart_drinking_water_exceedance_events') }}
    group by all
),

yearly as (
    select
        station_code,
        any_value(station_name) as station_name,
        any_value(source_code) as source_code,
        any_value(source_name) as source_name,
        any_value(region_code) as region_code,
        year,
        6 * (make_date(year + 1, 1, 1) - make_date(year, 1, 1)) as readings_expected,
        sum(readings_received) as readings_received,
        sum(readings_complete) as readings_complete,
        count(water_class_rank) as days_classed,
        count(*) filter (where is_class_iii_or_better) as days_class_iii_or_better,
        count(*) filter (where not is_class_iii_or_better) as days_worse_than_class_iii,
        max(provenance) as provenance
    from days
    group by station_code, year
)

select
    yearly.* exclude (provenance),
    round(100.0 * readings_complete / readings_expected, 1) as capture_pct,
    round(100.0 * days_class_iii_or_better / nullif(days_classed, 0), 1) as days_class_iii_or_better_pct,
    coalesce(events.exceedance_events, 0) as exceedance_events,
    coalesce(events.exceedance_readings, 0) as exceedance_readings,
    yearly.provenance
from yearly
left join events using (station_code, year)
