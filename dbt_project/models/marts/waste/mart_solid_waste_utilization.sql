-- Solid waste utilisation and treatment, one row per region (city and each county/district)
-- and year: plan targets T61 (general industrial solid waste utilisation rate ≥ 80%), T62
-- (urban domestic waste harmless treatment rate ≥ 99%), T63 (hazardous waste
-- utilisation and disposal rate) and T65 (supervision platforms).
{{ indicator_mart() }}
