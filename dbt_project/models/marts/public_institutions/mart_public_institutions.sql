-- Public institutions per region and year: resource-saving organ shares (T23, T24), green
-- procurement share (T25), total energy use (T26) and energy per floor area (T27).
{{ indicator_mart({
    'resource_saving_organs_share_county_and_above': 'resource_saving_organs_share_county_and_above_pct',
    'resource_saving_organs_share_city_county_direct': 'resource_saving_organs_share_city_county_direct_pct',
    'green_procurement_share': 'green_procurement_share_pct',
    'public_institution_energy_consumption': 'energy_consumption_tce',
    'public_institution_energy_per_floor_area': 'energy_per_floor_area_kgce_per_m2',
}) }}
