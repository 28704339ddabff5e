-- The city's greenhouse-gas inventory (省级温室气体清单编制指南 sectors; IPCC 2006 methods where
-- the guideline is silent): one row per region, year, category, subcategory and gas, with the
-- activity, the factor, the emission in tonnes of the gas and in CO2e, and its uncertainty;
-- each row also carries its region-year's totals with and without LULUCF, their uncertainty
-- (IPCC Approach 1: Σ(U·E)² under a root, over |ΣE|) and whether its category is key (Approach 1
-- level assessment: categories × gas by |CO2e|, LULUCF included, the largest that together make
-- 95 % of Σ|CO2e|). County rows hold the sectors counties report (agriculture, waste, LULUCF);
-- energy and industrial processes are city statistics (sectors_in_total says so).
with emissions as (
    select * from {{ ref('int_ghg__emissions') }}
),

category_gas as (
    -- the level assessment's unit: a category and gas, subcategories summed
    select
        region_code, year, category_code, gas,
        abs(sum(emission_t_co2e)) as level
    from emissions
    group by region_code, year, category_code, gas
),

ranked as (
    select
        *,
        100 * level / nullif(sum(level) over region_year, 0) as level_share_pct,
        100 * sum(level) over (region_year order by level desc, category_code asc, gas asc
                               rows between unbounded preceding and current row)
            / nullif(sum(level) over region_year, 0) as cumulative_share_pct
    from category_gas
    window region_year as (partition by region_code, year)
),

key_categories as (
    select
        *,
        -- key: within the first 95 %, counting the category that crosses it
        coalesce(cumulative_share_pct - level_share_pct < 95, true) as is_key_category
    from ranked
),

totals as (
    select
        region_code, year,
        round(sum(emission_t_co2e) filter (where sector_code <> 'lulucf'), 3) as total_excl_lulucf_t_co2e,
        round(sum(emission_t_co2e), 3) as total_incl_lulucf_t_co2e,
        round(100 * sqrt(sum(power(uncertainty_pct / 100 * emission_t_co2e, 2))
                         filter (where sector_code <> 'lulucf'))
            / nullif(abs(sum(emission_t_co2e) filter (where sector_code <> 'lulucf')), 0), 2)
            as total_excl_lulucf_uncertainty_pct,
        round(100 * sqrt(sum(power(uncertainty_pct / 100 * emission_t_co2e, 2)))
            / nullif(abs(sum(emission_t_co2e)), 0), 2) as total_incl_lulucf_uncertainty_pct,
        string_agg(distinct sector_code, ',' order by sector_code) as sectors_in_total
    from emissions
    group by region_code, year
)

select
    e.region_code,
    r.name_zh as region_name_zh,
    r.name_en as region_name_en,
    r.region_level,
    e.year,
    e.sector_code,
    c.sector_name_zh,
    c.sector_name_en,
    e.category_code,
    c.category_name_zh,
    c.ipcc_code,
    e.subcategory,
    e.gas,
    e.activity_value,
    e.activity_unit,
    e.activity_level,
    e.emission_factor,
    't ' || upper(e.gas) || '/' || e.activity_unit as emission_factor_unit,
    e.emission_t,
    '{{ var("ghg_gwp_set") }}' as gwp_set,
    e.gwp,
    e.emission_t_co2e,
    e.activity_uncertainty_pct,
    e.factor_uncertainty_pct,
    e.uncertainty_pct,
    round(k.level_share_pct, 2) as level_share_pct,
    k.is_key_category,
    t.total_excl_lulucf_t_co2e,
    t.total_incl_lulucf_t_co2e,
    t.total_excl_lulucf_uncertainty_pct,
    t.total_incl_lulucf_uncertainty_pct,
    t.sectors_in_total,
    e.provenance,
    e.revised as is_revised
from emissions as e
inner join {{ ref('ghg_categories') }} as c using (category_code)
inner join {{ ref('dim_region') }} as r using (region_code)
inner join key_categories as k using (region_code, year, category_code, gas)
inner join totals as t using (region_code, year)
