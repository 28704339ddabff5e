-- Air indicators in long form from the annual evaluation (HJ 663), each in the years where
-- that statistic is valid on its own days (a part-year mean is not an annual mean; the O3
-- percentile needs its own MDA8 days, the good-day share its own AQI days). UNPIVOT drops
-- the NULLs of the years that are not valid.
with annual as (
    select
        'air_hourly_readings' as source_id, year, region_code, provenance,
        cast(null as varchar) as load_id,
        false as revised,
        case when is_pm25_year_valid then pm25_annual_mean_ugm3 end as pm25_annual_mean,
        case when is_o3_year_valid then o3_mda8_90th_percentile_ugm3 end as o3_mda8_90th_percentile,
        case when is_aqi_year_valid then good_days_share_pct end as good_air_days_share
    from {{ ref('mart_air_quality') }}
)

select * from annual
unpivot (obs_value for indicator_code in (
    pm25_annual_mean, o3_mda8_90th_percentile, good_air_days_share
))
