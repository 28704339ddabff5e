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
    ) as by_animal unpivot (head for subcategory in (dairy_cattle, other_cattle, pigs, goats, sheep, poultry))
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

-- one column per category, named as the category (seed ghg_categories), then unpivoted
county_level as (
    select * from (
        select
            year, region_code, provenance, load_id, revised, subcategory,
            head as agri_enteric_fermentation,
            head as agri_manure_management
        from livestock
    ) as by_livestock_category unpivot (activity_value for category in (
        agri_enteric_fermentation, agri_manure_management
    ))
    union all by name
    select * from (
        select
            year, region_code, provenance, load_id, revised, 'all' as subcategory,
            rice_area_ha as agri_rice_cultivation,
            nitrogen_fertiliser_t as agri_managed_soils_direct,
            nitrogen_fertiliser_t as agri_managed_soils_indirect
        from agriculture
    ) as by_crop_category unpivot (activity_value for category in (
        agri_rice_cultivation, agri_managed_soils_direct, agri_managed_soils_indirect
    ))
    union all by name
    select * from (
        select
            year, region_code, provenance, load_id, revised, 'all' as subcategory,
            landfilled_t as waste_landfill,
            incinerated_t as waste_incineration
        from domestic_waste
    ) as by_waste_category unpivot (activity_value for category in (waste_landfill, waste_incineration))
    union all by name
    select * from (
        select
            year, region_code, provenance, load_id, revised, 'all' as subcategory,
            cod_removed_t as waste_wastewater_treatment,
            tn_discharged_t as waste_wastewater_effluent
        from sewage
    ) as by_sewage_category unpivot (activity_value for category in (
        waste_wastewater_treatment, waste_wastewater_effluent
    ))
    union all by name
    select * from (
        select
            year, region_code, provenance, load_id, revised, 'all' as subcategory,
            trees_m3 as lulucf_forest_trees
        from forest
        where follows_previous_year
    ) as by_trees unpivot (activity_value for category in (lulucf_forest_trees))
    union all by name
    select * from (
        select
            year, region_code, provenance, load_id, revised,
            'lulucf_forest_bamboo_shrub' as category,
            bamboo_ha as bamboo,
            shrub_ha as shrub
        from forest
        where follows_previous_year
    ) as by_forest_type unpivot (activity_value for subcategory in (bamboo, shrub))
),

city_level as (
    select * from (
        select
            year, region_code, provenance, load_id, revised, 'all' as subcategory,
            clinker_output_t as ippu_cement_clinker,
            lime_output_t as ippu_lime
        from {{ ref('stg_industry__green_manufacturing') }}
    ) as by_product unpivot (activity_value for category in (ippu_cement_clinker, ippu_lime))
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
union all by name
select
    region_code, year, category as category_code, subcategory, activity_value,
    cast(null as double) as co2_t, 'city' as activity_level, provenance, load_id, revised
from city_level
union all by name
select
    region_code, year, category_code, subcategory, activity_value, co2_t, activity_level,
    provenance, load_id, revised
from energy
