-- Daily air quality per region (each county/district with stations, and the city over all
-- its stations) with the sub-indices, AQI, category and primary pollutant of HJ 633-2012:
--   * a region's daily concentration is the mean of its stations' valid daily values
--     (HJ 663-2013 §5; int_air__region_daily, unrounded), published rounded by GB/T 8170
--     (ug/m3 to integers, CO to 0.1 mg/m3), and the sub-indices are computed from the
--     published values;
--   * IAQI = (IAQI_hi − IAQI_lo) / (BP_hi − BP_lo) × (C − BP_lo) + IAQI_lo, rounded up, in
--     integers (a DOUBLE 55.000000000000007 would round up to 56), breakpoints from the
--     aqi_breakpoints seed; at or above the top breakpoint IAQI is 500;
--   * O3 8-hour: the table ends at 800 ug/m3 (IAQI 300); above it there is no 8-hour
--     sub-index and the O3 1-hour one is used instead (表1 note 3), so the day keeps its AQI.
--     (The SO2 1-hour note of 表1 concerns hourly reports; a daily AQI uses the SO2 24-hour
--     mean, whose table runs to 2620.)
--   * AQI = max IAQI, only for days with all six pollutants valid (SO2, NO2, PM10, CO,
--     PM2.5 24-hour means and O3 MDA8, or O3 1-hour where MDA8 is above 800); primary
--     pollutants are those at the AQI when AQI > 50.
with region_daily as (
    select
        region_code,
        day,
        provenance,
        stations,
        {%- for column, digits in [('pm25_24h_ugm3', 0), ('pm10_24h_ugm3', 0), ('so2_24h_ugm3', 0),
                                   ('no2_24h_ugm3', 0), ('co_24h_mgm3', 1), ('o3_1h_max_ugm3', 0),
                                   ('o3_mda8_ugm3', 0)] %}
        {{ gbt8170_round(column, digits) }} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('int_air__region_daily') }}
),

concentrations as (
    -- the SQL-standard UNPIVOT, which DuckDB and Spark both read
    select region_code, day, pollutant_averaging, concentration
    from (
        select region_code, day,
            so2_24h_ugm3 as so2_24h, no2_24h_ugm3 as no2_24h, pm10_24h_ugm3 as pm10_24h,
            co_24h_mgm3 as co_24h, o3_1h_max_ugm3 as o3_1h, o3_mda8_ugm3 as o3_8h,
            pm25_24h_ugm3 as pm25_24h
        from region_daily
    ) as wide unpivot (
        concentration for pollutant_averaging in (
            so2_24h, no2_24h, pm10_24h, co_24h, o3_1h, o3_8h, pm25_24h
        )
    )
),

-- the top breakpoint of each pollutant: a concentration above it gets sub-index 500
breakpoint_tops as (
    select
        pollutant || '_' || averaging as pollutant_averaging,
        max(bp_hi) as bp_hi,
        max(iaqi_hi) as iaqi_hi
    from {{ ref('aqi_breakpoints') }}
    group by all
),

sub_indices as (
    select
        c.region_code,
        c.day,
        c.pollutant_averaging,
        c.concentration,
        case
            when c.concentration >= top.bp_hi and c.pollutant_averaging <> 'o3_8h' then 500
            when c.concentration = top.bp_hi then top.iaqi_hi  -- O3 8-hour at exactly 800: 300
            -- ceil(a / b) in integers of 1/1000 (concentrations carry at most one decimal)
            {%- set width = 'cast(round((bp.bp_hi - bp.bp_lo) * 1000) as ' ~ big_int() ~ ')' %}
            else bp.iaqi_lo + {{ int_div(
                'cast((bp.iaqi_hi - bp.iaqi_lo) as ' ~ big_int() ~ ')'
                ~ ' * (cast(round(c.concentration * 1000) as ' ~ big_int() ~ ')'
                ~ ' - cast(round(bp.bp_lo * 1000) as ' ~ big_int() ~ '))'
                ~ ' + ' ~ width ~ ' - 1', width) }}
        end as iaqi
    from concentrations as c
    inner join breakpoint_tops as top using (pollutant_averaging)
    left join {{ ref('aqi_breakpoints') }} as bp
        on bp.pollutant || '_' || bp.averaging = c.pollutant_averaging
        and c.concentration >= bp.bp_lo and c.concentration < bp.bp_hi
),

aqi as (
    select
        region_code,
        day,
        max(iaqi) as aqi_all,
        -- all six pollutants valid (the O3 1-hour maximum is optional); an O3 8-hour mean
        -- above 800 has no sub-index, and the O3 1-hour one stands in for it
        count(iaqi) filter (where pollutant_averaging not in ('o3_1h', 'o3_8h')) = 5
            and (count(iaqi) filter (where pollutant_averaging = 'o3_8h') = 1
                 or (bool_or(pollutant_averaging = 'o3_8h' and concentration > 800)
                     and count(iaqi) filter (where pollutant_averaging = 'o3_1h') = 1))
            as is_aqi_valid,
        {%- for p in ['so2_24h', 'no2_24h', 'pm10_24h', 'co_24h', 'o3_1h', 'o3_8h', 'pm25_24h'] %}
        any_value(iaqi) filter (where pollutant_averaging = '{{ p }}')
            as iaqi_{{ p }}{{ ',' if not loop.last }}
        {%- endfor %}
    from sub_indices
    group by region_code, day
),

primary_pollutants as (
    select
        s.region_code,
        s.day,
        {{ ordered_string_agg("case s.pollutant_averaging
                when 'so2_24h' then 'SO2' when 'no2_24h' then 'NO2' when 'pm10_24h' then 'PM10'
                when 'co_24h' then 'CO' when 'o3_1h' then 'O3_1h' when 'o3_8h' then 'O3_8h'
                when 'pm25_24h' then 'PM2.5'
            end", ',', 's.pollutant_averaging') }} as primary_pollutant
    from sub_indices as s
    inner join aqi using (region_code, day)
    where aqi.is_aqi_valid and aqi.aqi_all > 50 and s.iaqi = aqi.aqi_all
    group by all
)

select
    dim_region.region_code,
    dim_region.name_zh as region_name_zh,
    dim_region.name_en as region_name_en,
    region_daily.day,
    cast(date_trunc('month', region_daily.day) as date) as month,
    year(region_daily.day) as year,
    region_daily.stations,
    region_daily.pm25_24h_ugm3,
    region_daily.pm10_24h_ugm3,
    region_daily.so2_24h_ugm3,
    region_daily.no2_24h_ugm3,
    region_daily.co_24h_mgm3,
    region_daily.o3_1h_max_ugm3,
    region_daily.o3_mda8_ugm3,
    aqi.iaqi_pm25_24h, aqi.iaqi_pm10_24h, aqi.iaqi_so2_24h, aqi.iaqi_no2_24h, aqi.iaqi_co_24h,
    aqi.iaqi_o3_1h, aqi.iaqi_o3_8h,
    case when aqi.is_aqi_valid then aqi.aqi_all end as aqi,
    case when not aqi.is_aqi_valid then null
         when aqi.aqi_all <= 50 then 1 when aqi.aqi_all <= 100 then 2
         when aqi.aqi_all <= 150 then 3 when aqi.aqi_all <= 200 then 4
         when aqi.aqi_all <= 300 then 5 else 6 end as aqi_level,
    case when not aqi.is_aqi_valid then null
         when aqi.aqi_all <= 50 then '优' when aqi.aqi_all <= 100 then '良'
         when aqi.aqi_all <= 150 then '轻度污染' when aqi.aqi_all <= 200 then '中度污染'
         when aqi.aqi_all <= 300 then '重度污染' else '严重污染' end as aqi_category_zh,
    primary_pollutants.primary_pollutant,
    region_daily.provenance
from region_daily
inner join aqi using (region_code, day)
left join primary_pollutants using (region_code, day)
inner join {{ ref('dim_region') }} as dim_region using (region_code)
