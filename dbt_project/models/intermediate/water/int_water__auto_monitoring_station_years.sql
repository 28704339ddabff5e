-- Each automatic monitoring station of a 千吨万人 water source per year: readings expected
-- (six a day), received and complete (DO, CODMn, NH3-N and TP all measured), capture, and
-- whether the station reported: capture of at least 75 % (this project's threshold: a
-- system that delivers three readings in four over the year is in operation). What the
-- annual mart shows and the fact counts (water_source_auto_monitoring_systems_reporting).
with readings as (
    select * from {{ ref('stg_water__auto_monitoring_readings') }}
),

sources as (
    select distinct source_code, region_code from {{ ref('int_water__drinking_source_limits') }}
),

yearly as (
    select
        station_code,
        any_value(source_code) as source_code,
        year,
        6 * {{ days_between('make_date(year, 1, 1)', 'make_date(year + 1, 1, 1)') }} as readings_expected,
        count(*) as readings_received,
        count(*) filter (where do_mgl is not null and codmn_mgl is not null and nh3n_mgl is not null
                         and tp_mgl is not null) as readings_complete,
        {{ provenance_computed('provenance') }} as provenance
    from readings
    group by station_code, year
)

select
    yearly.station_code,
    yearly.source_code,
    sources.region_code,
    yearly.year,
    yearly.readings_expected,
    yearly.readings_received,
    yearly.readings_complete,
    {{ percentage_of('yearly.readings_complete', 'yearly.readings_expected') }} as capture_pct,
    yearly.readings_complete >= 0.75 * yearly.readings_expected as is_reporting,
    yearly.provenance
from yearly
left join sources using (source_code)
