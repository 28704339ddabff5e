-- Urban construction per region and year: green coverage of the built-up area (T42), shares
-- of prefabricated, star-rated green and green new buildings (T43–T45), renewable substitution
-- in buildings (T46) and rooftop PV on new buildings (T47).
{{ indicator_mart({
    'urban_green_coverage_rate': 'urban_green_coverage_rate_pct',
    'prefabricated_building_share': 'prefabricated_building_share_pct',
    'star_rated_green_building_share': 'star_rated_green_building_share_pct',
    'green_building_share_new_urban': 'green_building_share_new_urban_pct',
    'building_renewable_substitution_rate': 'building_renewable_substitution_rate_pct',
    'rooftop_pv_coverage_new_buildings': 'rooftop_pv_coverage_new_buildings_pct',
}) }}
