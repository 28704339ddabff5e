-- Solid waste utilisation and treatment, one row per region (city and each county/district)
-- and year: plan targets T61 (general industrial solid waste utilisation rate ≥ 80%), T62
-- (urban domestic waste harmless treatment rate ≥ 99%), T63 (hazardous waste
-- utilisation and disposal rate) and T65 (supervision platforms).
{{ indicator_mart({
    'general_industrial_solid_waste_generated': 'gisw_generated_t',
    'general_industrial_solid_waste_utilized': 'gisw_utilized_t',
    'general_industrial_solid_waste_utilized_from_storage': 'gisw_utilized_from_storage_t',
    'general_industrial_solid_waste_utilization_rate': 'gisw_utilization_rate_pct',
    'urban_domestic_waste_collected': 'domestic_waste_collected_t',
    'urban_domestic_waste_harmless_treated': 'domestic_waste_harmless_treated_t',
    'urban_domestic_waste_harmless_treatment_rate': 'domestic_waste_harmless_treatment_rate_pct',
    'hazardous_waste_generated': 'hazardous_waste_generated_t',
    'hazardous_waste_stored_from_earlier_years': 'hazardous_waste_stored_earlier_t',
    'hazardous_waste_utilized': 'hazardous_waste_utilized_t',
    'hazardous_waste_disposed': 'hazardous_waste_disposed_t',
    'hazardous_waste_utilization_disposal_rate': 'hazardous_waste_utilization_disposal_rate_pct',
    'domestic_waste_supervision_platforms': 'domestic_waste_supervision_platforms',
}) }}
