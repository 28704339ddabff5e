-- Public institutions for the city (机关事务服务中心/财政局 API): resource-saving organs,
-- green procurement (yuan), energy use (tce) and floor area (m2); the latest vintage per year.
with source as (
    select * from {{ source('public_institutions', 'public_institutions_resource_saving') }}
),

typed as (
    select
        year__value as year,
        '511900' as region_code,
        organs_county_and_above__value as organs_county_and_above,
        saving_organs_county_and_above__value as saving_organs_county_and_above,
        organs_direct__value as organs_direct,
        saving_organs_direct__value as saving_organs_direct,
        procurement_total__value as procurement_total_yuan,
        procurement_green__value as procurement_green_yuan,
        energy_use__value as energy_use_tce,
        floor_area__value as floor_area_m2,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
