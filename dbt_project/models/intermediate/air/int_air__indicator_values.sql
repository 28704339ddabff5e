-- Air indicators in long form from the annual evaluation (HJ 663), statistically valid years
-- only: a part-year mean is not an annual mean.
with annual as (
    select
        'air_hourly_readings' as source_id, year, region_code, provenance,
        cast(null as varchar) as load_id,
        false as revised,
        pm25_annual_mean_ugm3 as pm25_annual_mean,
        o3_mda8_90th_percentile_ugm3 as o3_mda8_90th_percentile,
        good_days_share_pct as good_air_days_share
    from {{ ref('mart_air_quality') }}
    where is_year_valid
)

select * from annual
unpivot (obs_value for indicator_code in (
    pm25_annual_mean, o3_mda8_90th_percentile, good_air_days_share
))
