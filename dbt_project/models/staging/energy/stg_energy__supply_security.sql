-- Energy supply security for the city (发改委/供电公司, GB18030 CSV): gas and shale oil
-- production capacity, grid investment, power supply reliability; the latest vintage per year.
with source as (
    select * from {{ source('energy', 'energy_supply_security') }}
),

typed as (
    select
        cast({{ to_number('year') }} as integer) as year,
        '511900' as region_code,
        {{ convert_unit(to_number('gas_capacity'), '亿立方米', 'm3') }} as gas_capacity_m3_per_year,
        {{ convert_unit(to_number('shale_oil_capacity'), '万吨', 't') }} as shale_oil_capacity_t_per_year,
        {{ convert_unit(to_number('grid_investment'), '万元', 'yuan') }} as grid_investment_yuan,
        {{ convert_unit(to_number('distribution_investment'), '万元', 'yuan') }}
            as distribution_investment_yuan,
        {{ to_number('urban_reliability') }} as urban_reliability_pct,
        {{ to_number('rural_reliability') }} as rural_reliability_pct,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
