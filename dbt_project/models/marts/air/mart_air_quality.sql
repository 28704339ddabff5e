-- Annual air-quality evaluation per region and year (HJ 663-2013):
--   * annual means of the daily 24-hour means (PM2.5, PM10, SO2, NO2);
--   * CO: 95th percentile of daily 24-hour means; O3: 90th percentile of daily MDA8;
--     percentile by HJ 663 §5.4: k = 1 + (n − 1)·p, linear between the neighbours;
--   * means and percentiles from the unrounded daily values (int_air__region_daily), in
--     integers (macros/gbt8170.sql), rounded once by GB/T 8170 (half to even): ug/m3 to
--     integers, CO to 0.1 mg/m3 (the 0.85 a DOUBLE percentile lands just above publishes 0.8);
--   * share of good days = days with AQI ≤ 100 / days with a valid AQI × 100;
--   * each statistic is valid on its own days (GB 3095-2012 表4, HJ 663 §4): at least 324
--     daily values in the year and at least 27 in every month (25 in February), counted for
--     its own pollutant (PM2.5, PM10, SO2, NO2, CO 24-hour means, O3 MDA8) and, for the share of
--     good days, for days with a valid AQI. Only valid statistics feed the indicator fact.
{%- set means = ['pm25', 'pm10', 'so2', 'no2'] %}
{%- set percentiles = [('co', 'co_24h_mgm3', 95, 1), ('o3', 'o3_mda8_ugm3', 90, 0)] %}
{%- set counted = {'pm25': 'pm25_24h_ugm3', 'pm10': 'pm10_24h_ugm3', 'so2': 'so2_24h_ugm3',
                   'no2': 'no2_24h_ugm3', 'co': 'co_24h_mgm3', 'o3': 'o3_mda8_ugm3', 'aqi': 'aqi'} %}
with exact as (
    select *, year(day) as year from {{ ref('int_air__region_daily') }}
),

daily as (
    select * from {{ ref('mart_air_quality_daily') }}
),

months as (
    select
        exact.region_code, exact.year, month(exact.day) as month_number,
        {%- for statistic, column in counted.items() %}
        count({{ 'daily.' if statistic == 'aqi' else 'exact.' }}{{ column }})
            as {{ statistic }}_days{{ ',' if not loop.last }}
        {%- endfor %}
    from exact
    left join daily using (region_code, day)
    group by all
),

validity as (
    select
        region_code, year,
        {%- for statistic in counted %}
        sum({{ statistic }}_days) >= 324 and count(*) = 12
            and bool_and({{ statistic }}_days >= case when month_number = 2 then 25 else 27 end)
            as is_{{ statistic }}_year_valid{{ ',' if not loop.last }}
        {%- endfor %}
    from months
    group by region_code, year
),

{%- for statistic, column, percent, digits in percentiles %}
{{ statistic }}_ranked as (
    select
        region_code, year, {{ to_nano(column) }} as nano,
        row_number() over (partition by region_code, year order by {{ column }}) as i,
        -- k = 1 + (n − 1)·p in hundredths: s its whole part, f its fraction
        {{ int_div('100 + (count(*) over (partition by region_code, year) - 1) * ' ~ percent, '100') }} as s,
        (100 + (count(*) over (partition by region_code, year) - 1) * {{ percent }}) % 100 as f
    from exact
    where {{ column }} is not null
),

{{ statistic }}_percentile as (
    select
        region_code, year,
        -- X_s + (X_s+1 − X_s)·f, times 100, in nano-units; X_s+1 = X_s when s = n
        {{ from_nano(div_half_even(
            '100 * max(nano) filter (where i = s) + f * (coalesce(max(nano) filter (where i = s + 1), max(nano) filter (where i = s)) - max(nano) filter (where i = s))',
            '100'), digits) }} as value
    from {{ statistic }}_ranked
    group by region_code, year, f
),
{%- endfor %}

annual as (
    select
        region_code,
        any_value(dim_region.name_zh) as region_name_zh,
        any_value(dim_region.name_en) as region_name_en,
        year,
        count(*) as days_with_data,
        {%- for statistic in means %}
        count({{ statistic }}_24h_ugm3) as {{ statistic }}_valid_days,
        {{ from_nano(mean_nano(statistic ~ '_24h_ugm3'), 0) }} as {{ statistic }}_annual_mean_ugm3,
        {%- endfor %}
        count(co_24h_mgm3) as co_valid_days,
        count(o3_mda8_ugm3) as o3_valid_days,
        {{ provenance_computed('provenance') }} as provenance
    from exact
    left join {{ ref('dim_region') }} as dim_region using (region_code)
    group by region_code, year
),

aqi_days as (
    select
        region_code,
        year(day) as year,
        count(aqi) as aqi_valid_days,
        count(*) filter (where aqi <= 100) as good_days,
        -- a share of two counts: exact in integers, rounded to 0.1 % by GB/T 8170
        {{ from_nano(div_half_even('count(*) filter (where aqi <= 100) * 100000000000',
                                   'count(aqi)'), 1) }} as good_days_share_pct,
        {%- for level in range(1, 7) %}
        count(*) filter (where aqi_level = {{ level }}) as level_{{ level }}_days{{ ',' if not loop.last }}
        {%- endfor %}
    from daily
    group by region_code, year(day)
)

select
    annual.region_code,
    annual.region_name_zh,
    annual.region_name_en,
    annual.year,
    annual.days_with_data,
    aqi_days.aqi_valid_days,
    aqi_days.good_days,
    aqi_days.good_days_share_pct,
    {%- for level in range(1, 7) %}
    aqi_days.level_{{ level }}_days,
    {%- endfor %}
    {%- for statistic in means %}
    annual.{{ statistic }}_valid_days,
    annual.{{ statistic }}_annual_mean_ugm3,
    {%- endfor %}
    annual.co_valid_days,
    co_percentile.value as co_24h_95th_percentile_mgm3,
    annual.o3_valid_days,
    o3_percentile.value as o3_mda8_90th_percentile_ugm3,
    annual.provenance,
    {%- for statistic in counted %}
    validity.is_{{ statistic }}_year_valid,
    {%- endfor %}
    -- every statistic valid: the year as a whole
    {%- for statistic in counted %}
    {{ 'and ' if not loop.first }}validity.is_{{ statistic }}_year_valid
    {%- endfor %}
        as is_year_valid
from annual
left join aqi_days using (region_code, year)
left join validity using (region_code, year)
left join co_percentile using (region_code, year)
left join o3_percentile using (region_code, year)
