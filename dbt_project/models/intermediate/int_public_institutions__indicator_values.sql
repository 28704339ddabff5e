-- Public-institution indicators for the city in long form: certified resource-saving organs,
-- green procurement share, energy use (tce) and energy per floor area (kgce/m2; plan target
-- T27 is its reduction, computed in the target series).
with computed as (
    select
        'public_institutions_resource_saving' as source_id, year, region_code, provenance, load_id,
        revised,
        100.0 * saving_organs_county_and_above / nullif(organs_county_and_above, 0)
            as resource_saving_organs_share_county_and_above,
        100.0 * saving_organs_direct / nullif(organs_direct, 0)
            as resource_saving_organs_share_city_county_direct,
        100.0 * procurement_green_yuan / nullif(procurement_total_yuan, 0) as green_procurement_share,
        energy_use_tce as public_institution_energy_consumption,
        1000.0 * energy_use_tce / nullif(floor_area_m2, 0) as public_institution_energy_per_floor_area
    from {{ ref('stg_public_institutions__resource_saving') }}
)

select * from computed
unpivot (obs_value for indicator_code in (
    resource_saving_organs_share_county_and_above, resource_saving_organs_share_city_county_direct,
    green_procurement_share, public_institution_energy_consumption,
    public_institution_energy_per_floor_area
))
