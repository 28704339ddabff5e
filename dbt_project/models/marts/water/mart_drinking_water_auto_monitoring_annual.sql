-- Each automatic monitoring station (and the water source it watches) per year: data capture
-- (complete readings against six a day, int_water__auto_monitoring_station_years, which also
-- says whether the station reported), days by GB 3838 class, and exceedance events.
with days as (
    select * from {{ ref('mart_drinking_water_auto_monitoring') }}
),

events as (
    select station_code, year(started_at) as year, count(*) as exceedance_events,
           cast(sum(readings) as bigint) as exceedance_readings
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
        count(water_class_rank) as days_classed,
        count(*) filter (where is_class_iii_or_better) as days_class_iii_or_better,
        count(*) filter (where not is_class_iii_or_better) as days_worse_than_class_iii,
        {{ provenance_computed('provenance') }} as provenance
    from days
    group by station_code, year
)

select
    yearly.station_code,
    yearly.station_name,
    yearly.source_code,
    yearly.source_name,
    yearly.region_code,
    yearly.year,
    capture.readings_expected,
    capture.readings_received,
    capture.readings_complete,
    yearly.days_classed,
    yearly.days_class_iii_or_better,
    yearly.days_worse_than_class_iii,
    round(capture.capture_pct, 1) as capture_pct,
    capture.is_reporting,
    round({{ percentage_of('days_class_iii_or_better', 'nullif(days_classed, 0)') }}, 1)
        as days_class_iii_or_better_pct,
    coalesce(events.exceedance_events, 0) as exceedance_events,
    coalesce(events.exceedance_readings, 0) as exceedance_readings,
    yearly.provenance
from yearly
inner join {{ ref('int_water__auto_monitoring_station_years') }} as capture using (station_code, year)
left join events using (station_code, year)
