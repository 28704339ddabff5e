-- Sewage and sludge per region and year: urban sewage collected and treated and sludge
-- treated (county amounts; the city from complete county sums), their rates (T54, T64), and
-- the rural side: share of villages with sewage treated (T55).
with amounts as (
    {{ with_city_sums(ref('stg_water__sewage_sludge'),
        ['sewage_discharged_m3', 'sewage_treated_m3', 'sludge_generated_t', 'sludge_treated_t']) }}
),

rates as (
    {{ indicator_mart() }}
)

select
    rates.region_code, rates.region_name_zh, rates.region_name_en, rates.region_level, rates.year,
    amounts.sewage_discharged_m3,
    amounts.sewage_treated_m3,
    rates.urban_sewage_collection_treatment_rate_pct,
    amounts.sludge_generated_t,
    amounts.sludge_treated_t,
    rates.sewage_sludge_treatment_disposal_rate_pct,
    rates.village_sewage_treatment_share_pct,
    rates.provenance,
    rates.is_revised
from rates
left join amounts using (year, region_code)
