-- Waste indicators in long form (one row per indicator, region and year), for every
-- county/district and for the city (sums over complete years: macro with_city_totals).
-- Rates are computed from amounts, never averaged over counties; formulas are in the
-- indicators seed, definition column.
with county_amounts as (
    select
        'waste_industrial_solid_waste' as source_id, year, region_code, provenance, load_id,
        revised, indicator_code, obs_value
    from {{ ref('stg_waste__industrial_solid_waste') }}
    unpivot (obs_value for indicator_code in (
        generated_t as 'general_industrial_solid_waste_generated',
        utilized_t as 'general_industrial_solid_waste_utilized',
        utilized_from_storage_t as 'general_industrial_solid_waste_utilized_from_storage'
    ))
    union all by name
    select
        'waste_domestic_waste' as source_id, year, region_code, provenance, load_id,
        revised, indicator_code, obs_value
    from {{ ref('stg_waste__domestic_waste') }}
    unpivot (obs_value for indicator_code in (
        collected_t as 'urban_domestic_waste_collected',
        harmless_treated_t as 'urban_domestic_waste_harmless_treated'
    ))
    union all by name
    select
        'waste_hazardous_waste' as source_id, year, region_code, provenance, load_id,
        revised, indicator_code, obs_value
    from {{ ref('stg_waste__hazardous_waste') }}
    unpivot (obs_value for indicator_code in (
        generated_t as 'hazardous_waste_generated',
        stored_earlier_t as 'hazardous_waste_stored_from_earlier_years',
        utilized_t as 'hazardous_waste_utilized',
        disposed_t as 'hazardous_waste_disposed'
    ))
),

amounts as (
    {{ with_city_totals('county_amounts') }}
),

by_region_year as (
    pivot amounts
    on indicator_code in (
        'general_industrial_solid_waste_generated',
        'general_industrial_solid_waste_utilized',
        'general_industrial_solid_waste_utilized_from_storage',
        'urban_domestic_waste_collected',
        'urban_domestic_waste_harmless_treated',
        'hazardous_waste_generated',
        'hazardous_waste_stored_from_earlier_years',
        'hazardous_waste_utilized',
        'hazardous_waste_disposed'
    )
    using sum(obs_value)
    group by source_id, year, region_code, provenance, load_id, revised
),

rates as (
    select
        source_id, year, region_code, provenance, load_id, revised,
        'general_industrial_solid_waste_utilization_rate' as indicator_code,
        100.0 * general_industrial_solid_waste_utilized
            / nullif(general_industrial_solid_waste_generated
                     + general_industrial_solid_waste_utilized_from_storage, 0) as obs_value
    from by_region_year
    where source_id = 'waste_industrial_solid_waste'
    union all
    select
        source_id, year, region_code, provenance, load_id, revised,
        'urban_domestic_waste_harmless_treatment_rate',
        100.0 * urban_domestic_waste_harmless_treated / nullif(urban_domestic_waste_collected, 0)
    from by_region_year
    where source_id = 'waste_domestic_waste'
    union all
    select
        source_id, year, region_code, provenance, load_id, revised,
        'hazardous_waste_utilization_disposal_rate',
        100.0 * (hazardous_waste_utilized + hazardous_waste_disposed)
            / nullif(hazardous_waste_generated + hazardous_waste_stored_from_earlier_years, 0)
    from by_region_year
    where source_id = 'waste_hazardous_waste'
)

select * from amounts
union all by name
select * from rates where obs_value is not null
