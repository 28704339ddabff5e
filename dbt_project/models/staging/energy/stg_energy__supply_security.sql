-- Energy supply security for the city (发改委/供电公司, GB18030 CSV): gas and shale oil
-- production capacity, grid investment, power supply reliability; the latest vintage per year.
with source as (
    select * from {{ source('energy', 'energy_supply_security') }}
),

typed as (
    select
        year__value as year,
        '511900' as region_code,
        gas_capacity__value as gas_capacity_m3_per_year,
        shale_oil_capacity__value as shale_oil_capacity_t_per_year,
        grid_investment__value as grid_investment_yuan,
        distribution_investment__value
            as distribution_investment_yuan,
        urban_reliability__value as urban_reliability_pct,
        rural_reliability__value as rural_reliability_pct,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
