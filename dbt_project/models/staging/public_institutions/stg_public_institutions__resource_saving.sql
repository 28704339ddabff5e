-- Public institutions for the city (机关事务服务中心/财政局 API): resource-saving organs,
-- green procurement (yuan), energy use (tce) and floor area (m2); the latest vintage per year.
with source as (
    select * from {{ source('public_institutions', 'public_institutions_resource_saving') }}
),

typed as (
    select
        cast({{ to_number('year') }} as integer) as year,
        '511900' as region_code,
        {{ to_number('organs_county_and_above') }} as organs_county_and_above,
        {{ to_number('saving_organs_county_and_above') }} as saving_organs_county_and_above,
        {{ to_number('organs_direct') }} as organs_direct,
        {{ to_number('saving_organs_direct') }} as saving_organs_direct,
        {{ convert_unit(to_number('procurement_total'), '万元', 'yuan') }} as procurement_total_yuan,
        {{ convert_unit(to_number('procurement_green'), '万元', 'yuan') }} as procurement_green_yuan,
        {{ convert_unit(to_number('energy_use'), '吨标准煤', 'tce') }} as energy_use_tce,
        {{ convert_unit(to_number('floor_area'), '平方米', 'm2') }} as floor_area_m2,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
