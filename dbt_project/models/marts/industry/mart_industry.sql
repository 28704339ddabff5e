-- Industry per region and year: energy per unit of value added above designated size at
-- 2020 prices (T28), green industrial parks and factories (T29, T30), bulk industrial solid
-- waste utilisation (T31, T32).
{{ indicator_mart({
    'industrial_energy_per_value_added': 'industrial_energy_per_value_added_tce_per_10k_yuan',
    'green_industrial_parks': 'green_industrial_parks',
    'green_factories': 'green_factories',
    'bulk_industrial_solid_waste_utilization_rate': 'bulk_industrial_solid_waste_utilization_rate_pct',
}) }}
