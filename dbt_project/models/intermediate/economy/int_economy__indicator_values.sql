-- Economy indicators in long form: GDP at comparable (2020) prices for each region and year,
-- the region's 2020 GDP at current prices times its volume index (2020 = 100).
with gdp as (
    select * from {{ ref('stg_economy__gdp') }}
),

comparable as (
    select
        'economy_gdp' as source_id, gdp.year, gdp.region_code, gdp.provenance, gdp.load_id,
        gdp.revised,
        base.gdp_current_prices_10k_yuan * gdp.gdp_volume_index_2020_eq_100 / 100
            as gdp_comparable_prices
    from gdp
    inner join gdp as base
        on base.region_code = gdp.region_code and base.year = 2020
)

select * from comparable
unpivot (obs_value for indicator_code in (gdp_comparable_prices))
