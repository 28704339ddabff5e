-- Forest and ecology per region and year: forest coverage (T06, T07), stock volume (T49),
-- riparian shelterbelt planted (T48) and the ecological quality index (T50).
{{ indicator_mart({
    'forest_coverage_rate': 'forest_coverage_rate_pct',
    'forest_stock_volume': 'forest_stock_volume_m3',
    'riparian_shelterbelt_planted_length': 'riparian_shelterbelt_planted_km',
    'ecological_quality_index': 'ecological_quality_index',
}) }}
