-- Annual air-quality evaluation per region and year (HJ 663-2013):
--   * annual means of the daily 24-hour means (PM2.5, PM10, SO2, NO2);
--   * CO: 95th percentile of daily 24-hour means; O3: 90th percentile of daily MDA8;
--     percentile by HJ 663 §5.4: k = 1 + (n − 1)·p, linear between neighbours (= quantile_cont);
--   * share of good days = days with AQI ≤ 100 / days with a valid AQI × 100;
--   * a year is statistically valid (GB 3095-2012 表4) with at least 324 daily PM2.5 values and
--     at least 27 in every month (25 in February); only valid years feed the indicator fact.
with daily as (
    select * from {{ ref('mart_air_quality_daily') }}
),

months as (
    select
        region_code, year, month,
        count(pm25_24h_ugm3) >= case when month(month) = 2 then 25 else 27 end as is_month_complete
    from daily
    group by region_code, year, month
),

annual as (
    select
        region_code,
        any_value(region_name_zh) as region_name_zh,
        any_value(region_name_en) as region_name_en,
        year,
        count(*) as days_with_data,
        count(aqi) as aqi_valid_days,
        count(*) filter (where aqi <= 100) as good_days,
        round_even(100.0 * count(*) filter (where aqi <= 100) / nullif(count(aqi), 0), 1)
            as good_days_share_pct,
        {%- for level in range(1, 7) %}
        count(*) filter (where aqi_level = {{ level }}) as level_{{ level }}_days,
        {%- endfor %}
        count(pm25_24h_ugm3) as pm25_valid_days,
        round_even(avg(pm25_24h_ugm3), 0) as pm25_annual_mean_ugm3,
        round_even(avg(pm10_24h_ugm3), 0) as pm10_annual_mean_ugm3,
        round_even(avg(so2_24h_ugm3), 0) as so2_annual_mean_ugm3,
        round_even(avg(no2_24h_ugm3), 0) as no2_annual_mean_ugm3,
        round_even(quantile_cont(co_24h_mgm3, 0.95), 1) as co_24h_95th_percentile_mgm3,
        round_even(quantile_cont(o3_mda8_ugm3, 0.90), 0) as o3_mda8_90th_percentile_ugm3,
        case when bool_or(provenance = 'sample') then 'sample' else 'published' end as provenance
    from daily
    group by region_code, year
)

select
    annual.*,
    annual.pm25_valid_days >= 324
        and (select bool_and(m.is_month_complete) and count(*) = 12 from months as m
             where m.region_code = annual.region_code and m.year = annual.year)
        as is_year_valid
from annual
