-- Solid waste utilisation and treatment, one row per region (city and each county/district)
-- and year: plan targets T61 (general industrial solid waste utilisation rate ≥ 80%) and T62
-- (urban domestic waste harmless treatment rate ≥ 99%).
with observations as (
    select * from {{ ref('fct_indicator_observation') }}
    where source_id in ('waste_industrial_solid_waste', 'waste_domestic_waste')
),

wide as (
    pivot (select ref_area, time_period, indicator_code, obs_value from observations)
    on indicator_code in (
        'general_industrial_solid_waste_generated',
        'general_industrial_solid_waste_utilized',
        'general_industrial_solid_waste_utilized_from_storage',
        'general_industrial_solid_waste_utilization_rate',
        'urban_domestic_waste_collected',
        'urban_domestic_waste_harmless_treated',
        'urban_domestic_waste_harmless_treatment_rate'
    )
    using any_value(obs_value)
    group by ref_area, time_period
),

row_meta as (
    select
        ref_area,
        time_period,
        -- sample if any figure in the row is sample data
        case when bool_or(provenance = 'sample') then 'sample'
             when bool_or(provenance = 'derived') then 'derived'
             else 'published' end as provenance,
        bool_or(obs_status = 'R') as is_revised
    from observations
    group by all
)

select
    regions.region_code,
    regions.name_zh as region_name_zh,
    regions.name_en as region_name_en,
    regions.region_level,
    cast(wide.time_period as integer) as year,
    wide.general_industrial_solid_waste_generated as gisw_generated_t,
    wide.general_industrial_solid_waste_utilized as gisw_utilized_t,
    wide.general_industrial_solid_waste_utilized_from_storage as gisw_utilized_from_storage_t,
    round(wide.general_industrial_solid_waste_utilization_rate, 2) as gisw_utilization_rate_pct,
    wide.urban_domestic_waste_collected as domestic_waste_collected_t,
    wide.urban_domestic_waste_harmless_treated as domestic_waste_harmless_treated_t,
    round(wide.urban_domestic_waste_harmless_treatment_rate, 2)
        as domestic_waste_harmless_treatment_rate_pct,
    row_meta.provenance,
    row_meta.is_revised
from wide
inner join row_meta using (ref_area, time_period)
inner join {{ ref('regions') }} as regions on regions.region_code = wide.ref_area
order by year, region_code
