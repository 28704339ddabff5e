-- Waste indicators in long form (one row per indicator, region and year), for every
-- county/district and for the city.
-- * County/district amounts come from staging (latest vintage).
-- * The city amount is the sum over its counties/districts, only in years where every one of
--   them reported: a partial sum would understate the city. Its provenance is 'derived', or
--   'sample' when any input is sample data.
-- * Rates are computed from amounts (never averaged over counties); formulas are in the
--   indicators seed, definition column.
with county_amounts as (
    select
        'waste_industrial_solid_waste' as source_id, year, region_code, provenance, load_id,
        vintage_count, indicator_code, obs_value
    from {{ ref('stg_waste__industrial_solid_waste') }}
    unpivot (obs_value for indicator_code in (
        generated_t as 'general_industrial_solid_waste_generated',
        utilized_t as 'general_industrial_solid_waste_utilized',
        utilized_from_storage_t as 'general_industrial_solid_waste_utilized_from_storage'
    ))
    union all by name
    select
        'waste_domestic_waste' as source_id, year, region_code, provenance, load_id,
        vintage_count, indicator_code, obs_value
    from {{ ref('stg_waste__domestic_waste') }}
    unpivot (obs_value for indicator_code in (
        collected_t as 'urban_domestic_waste_collected',
        harmless_treated_t as 'urban_domestic_waste_harmless_treated'
    ))
),

counties as (
    select region_code, parent_code, count(*) over (partition by parent_code) as siblings
    from {{ ref('regions') }}
    -- functional zones overlap the districts: never part of the sum
    where region_level in ('district', 'county')
),

city_amounts as (
    select
        county_amounts.source_id,
        county_amounts.year,
        counties.parent_code as region_code,
        -- a sum of sample figures is still sample data; only published inputs make 'derived'
        case when bool_or(county_amounts.provenance = 'sample') then 'sample' else 'derived' end
            as provenance,
        cast(null as varchar) as load_id,
        max(county_amounts.vintage_count) as vintage_count,
        county_amounts.indicator_code,
        sum(county_amounts.obs_value) as obs_value
    from county_amounts
    inner join counties using (region_code)
    group by all
    having count(*) = any_value(counties.siblings)
),

amounts as (
    select * from county_amounts
    union all by name
    select * from city_amounts
),

by_region_year as (
    pivot amounts
    on indicator_code in (
        'general_industrial_solid_waste_generated',
        'general_industrial_solid_waste_utilized',
        'general_industrial_solid_waste_utilized_from_storage',
        'urban_domestic_waste_collected',
        'urban_domestic_waste_harmless_treated'
    )
    using sum(obs_value)
    group by source_id, year, region_code, provenance, load_id, vintage_count
),

rates as (
    select
        source_id, year, region_code, provenance, load_id, vintage_count,
        'general_industrial_solid_waste_utilization_rate' as indicator_code,
        100.0 * general_industrial_solid_waste_utilized
            / nullif(general_industrial_solid_waste_generated
                     + general_industrial_solid_waste_utilized_from_storage, 0) as obs_value
    from by_region_year
    where source_id = 'waste_industrial_solid_waste'
    union all
    select
        source_id, year, region_code, provenance, load_id, vintage_count,
        'urban_domestic_waste_harmless_treatment_rate',
        100.0 * urban_domestic_waste_harmless_treated / nullif(urban_domestic_waste_collected, 0)
    from by_region_year
    where source_id = 'waste_domestic_waste'
)

select * from amounts
union all by name
select * from rates where obs_value is not null
