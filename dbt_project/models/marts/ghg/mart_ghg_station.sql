-- CO2 and CH4 at the 光雾山 background station by month and by year. Capture rules (this
-- project's, stated in the YAML): an hour counts when its flag is V (valid background) and it
-- has a value; a month's mean is valid with >= 50 % of its hours counted; a year's mean is
-- the mean of its valid monthly means (so a gap does not tilt it toward the rest of the
-- seasonal cycle as much as hourly averaging would), valid with >= 11 valid months. Growth
-- is the change of the annual mean from the previous year, both valid; the difference is
-- from the WMO globally averaged surface mole fraction of the same year
-- (seed ghg_background_reference, which cites each bulletin).
with hourly as (
    select station_code, station_name, year, month(hour) as month, 'co2' as gas,
           co2_ppm as value, co2_flag = 'V' and co2_ppm is not null as counted, provenance
    from {{ ref('stg_carbon__ghg_station_hourly') }}
    union all
    select station_code, station_name, year, month(hour) as month, 'ch4' as gas,
           ch4_ppb as value, ch4_flag = 'V' and ch4_ppb is not null as counted, provenance
    from {{ ref('stg_carbon__ghg_station_hourly') }}
),

monthly as (
    select
        station_code,
        any_value(station_name) as station_name,
        gas,
        year,
        month,
        {{ from_nano(mean_nano('case when counted then value end')) }} as mean_value,
        -- the month's hours by the calendar, not by the rows received
        24 * day(last_day(make_date(year, month, 1))) as hours_in_period,
        count(*) filter (where counted) as valid_hours,
        {{ provenance_computed('provenance') }} as provenance
    from hourly
    group by station_code, gas, year, month
),

months as (
    select
        *,
        {{ percentage_of('valid_hours', 'hours_in_period') }} as capture_pct,
        {{ percentage_of('valid_hours', 'hours_in_period') }} >= 50 as is_valid
    from monthly
),

yearly as (
    select
        station_code,
        any_value(station_name) as station_name,
        gas,
        year,
        {{ from_nano(mean_nano('case when is_valid then mean_value end')) }} as mean_value,
        24 * {{ days_between('make_date(year, 1, 1)', 'make_date(year + 1, 1, 1)') }} as hours_in_period,
        cast(sum(valid_hours) as bigint) as valid_hours,  -- no HUGEINT in published files
        count(*) filter (where is_valid) as months_valid,
        {{ provenance_computed('provenance') }} as provenance
    from months
    group by station_code, gas, year
),

years as (
    select
        *,
        {{ percentage_of('valid_hours', 'hours_in_period') }} as capture_pct,
        months_valid >= 11 as is_valid
    from yearly
),

with_growth as (
    select
        years.*,
        case when is_valid and lag(is_valid) over w and lag(year) over w = year - 1
             then mean_value - lag(mean_value) over w end as growth_per_year
    from years
    window w as (partition by station_code, gas order by year)
)

select
    station_code,
    station_name,
    gas,
    case gas when 'co2' then 'ppm' else 'ppb' end as unit,
    'month' as period_type,
    {{ year_month('make_date(year, month, 1)') }} as period,
    year,
    month,
    round(mean_value, 3) as mean_value,
    hours_in_period,
    valid_hours,
    round(capture_pct, 1) as capture_pct,
    cast(null as integer) as months_valid,
    is_valid,
    cast(null as double) as growth_per_year,
    cast(null as double) as background_global_mean,
    cast(null as double) as difference_from_background,
    cast(null as string) as background_source,
    provenance
from months
union all
select
    with_growth.station_code,
    with_growth.station_name,
    with_growth.gas,
    case with_growth.gas when 'co2' then 'ppm' else 'ppb' end as unit,
    'year' as period_type,
    cast(with_growth.year as string) as period,
    with_growth.year,
    cast(null as integer) as month,
    round(with_growth.mean_value, 3) as mean_value,
    with_growth.hours_in_period,
    with_growth.valid_hours,
    round(with_growth.capture_pct, 1) as capture_pct,
    with_growth.months_valid,
    with_growth.is_valid,
    round(with_growth.growth_per_year, 3) as growth_per_year,
    reference.global_mean as background_global_mean,
    case when with_growth.is_valid then round(with_growth.mean_value - reference.global_mean, 3) end
        as difference_from_background,
    reference.source as background_source,
    with_growth.provenance
from with_growth
left join {{ ref('ghg_background_reference') }} as reference
    on reference.year = with_growth.year and reference.gas = with_growth.gas
