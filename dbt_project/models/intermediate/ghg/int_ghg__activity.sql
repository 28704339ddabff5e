-- The GHG inventory's activity data: one row per region, year, category and subcategory (a
-- fuel, a livestock type, a forest type; 'all' when the category has none), in the unit the
-- ghg_categories seed gives. County data where the department reports by county, with the
-- city's row their sum (complete years only); city statistics otherwise (energy, industry).
-- Energy comes from int_carbon__co2_by_fuel, so the inventory's energy CO2 is mart_carbon's.
with energy as (
    -- fuel energy in TJ (quantity × NCV, kJ → TJ), purchased electricity in kWh
    select
        region_code, year, provenance, load_id, revised,
        case emission_source
            when 'fuel_combustion' then 'energy_fuel_combustion'
            else 'energy_net_imported_electricity'
        end as category_code,
        case emission_source when 'fuel_combustion' then fuel_code else 'all' end as subcategory,
        case emission_source
            when 'fuel_combustion' then quantity * ncv_kj_per_unit * 1e-9
            else quantity
        end as activity_value,
        co2_t,
        'city' as activity_level
    from {{ ref('int_carbon__co2_by_fuel') }}
    where quantity is not null
),

agriculture as (
    {{ with_city_sums(ref('stg_agriculture__production'), [
        'cattle_head', 'dairy_cattle_head', 'pigs_head', 'goats_head', 'sheep_head', 'poultry_head',
        'rice_area_ha', 'nitrogen_fertiliser_t'
    ]) }}
),

livestock as (
    select * from (
        select
            year, region_code, provenance, load_id, revised,
            dairy_cattle_head as dairy_cattle,
            cattle_head - dairy_cattle_head as other_cattle,
            pigs_head as pigs, goats_head as goats, sheep_head as sheep, poultry_head as poultry
        from agriculture
    ) unpivot (head for subcategory in (dairy_cattle, other_cattle, pigs, goats, sheep, poultry))
),

domestic_waste as (
    {{ with_city_sums(ref('stg_waste__domestic_waste'), ['landfilled_t', 'incinerated_t']) }}
),

sewage as (
    {{ with_city_sums(ref('stg_water__sewage_sludge'), ['cod_removed_t', 'tn_discharged_t']) }}
),

forest as (
    -- the year's change of the stock; the city's row is the bureau's own figure
    select
        year, region_code, provenance, load_id, revised,
        stock_volume_m3 - lag(stock_volume_m3) over w as trees_m3,
        bamboo_forest_area_ha - lag(bamboo_forest_area_ha) over w as bamboo_ha,
        shrub_forest_area_ha - lag(shrub_forest_area_ha) over w as shrub_ha,
        lag(year) over w = year - 1 as follows_previous_year
    from {{ ref('stg_forestry__forest_resources') }}
    window w as (partition by region_code order by year)
),

county_level as (
    select region_code, year, provenance, load_id, revised, 'agri_enteric_fermentation' as category,
        subcategory, head as activity_value
    from livestock
    union all
    select region_code, year, provenance, load_id, revised, 'agri_manure_management', subcategory, head
    from livestock
    union all
    select region_code, year, provenance, load_id, revised, 'agri_rice_cultivation', 'all', rice_area_ha
    from agriculture
    union all
    select region_code, year, provenance, load_id, revised, 'agri_managed_soils_direct', 'all', nitrogen_fertiliser_t
    from agriculture
    union all
    select region_code, year, provenance, load_id, revised, 'agri_managed_soils_indirect', 'all', nitrogen_fertiliser_t
    from agriculture
    union all
    select region_code, year, provenance, load_id, revised, 'waste_landfill', 'all', landfilled_t
    from domestic_waste
    union all
    select region_code, year, provenance, load_id, revised, 'waste_incineration', 'all', incinerated_t
    from domestic_waste
    union all
    select region_code, year, provenance, load_id, revised, 'waste_wastewater_treatment', 'all', cod_removed_t
    from sewage
    union all
    select region_code, year, provenance, load_id, revised, 'waste_wastewater_effluent', 'all', tn_discharged_t
    from sewage
    union all
    select region_code, year, provenance, load_id, revised, 'lulucf_forest_trees', 'all', trees_m3
    from forest where follows_previous_year
    union all
    select region_code, year, provenance, load_id, revised, 'lulucf_forest_bamboo_shrub', 'bamboo', bamboo_ha
    from forest where follows_previous_year
    union all
    select region_code, year, provenance, load_id, revised, 'lulucf_forest_bamboo_shrub', 'shrub', shrub_ha
    from forest where follows_previous_year
),

city_level as (
    select year, region_code, provenance, load_id, revised, 'ippu_cement_clinker' as category,
        'all' as subcategory, clinker_output_t as activity_value
    from {{ ref('stg_industry__green_manufacturing') }}
    union all
    select year, region_code, provenance, load_id, revised, 'ippu_lime', 'all', lime_output_t
    from {{ ref('stg_industry__green_manufacturing') }}
)

select
    a.region_code, a.year, a.category as category_code, a.subcategory, a.activity_value,
    cast(null as double) as co2_t,
    case
        when r.region_level in ('district', 'county') then 'county'
        when a.category like 'lulucf%' then 'city'
        else 'city (sum of counties)'
    end as activity_level,
    a.provenance, a.load_id, a.revised
from county_level as a
inner join {{ ref('regions') }} as r using (region_code)
where a.activity_value is not null
union all by name
select
    region_code, year, category as category_code, subcategory, activity_value,
    cast(null as double) as co2_t, 'city' as activity_level, provenance, load_id, revised
from city_level
where activity_value is not null
union all by name
select
    region_code, year, category_code, subcategory, activity_value, co2_t, activity_level,
    provenance, load_id, revised
from energy
