-- Emissions of the GHG inventory by region, year, category, subcategory and gas:
--   emission (t of the gas) = activity × the product of the category's parameters
-- (seed ghg_emission_factors: factors, fractions and the constants 44/12, 16/12, 44/28, kg → t,
-- the removal sign), so every figure can be recomputed by hand from the seed's rows. A
-- parameter row with no subcategory applies to all of the category's subcategories; a gas is
-- estimated for a subcategory (a fuel, a livestock type) only where the seed has a row for
-- that subcategory (there is no Tier 1 enteric factor for poultry: no row, no estimate).
-- Energy CO2 is not recomputed: it is int_carbon__co2_by_fuel's, the figure mart_carbon sums.
-- Factor uncertainty: the parameters' uncertainties combined as for a product (root of the
-- sum of squares, IPCC 2006 Vol.1 Ch.3 Eq.3.1). CO2e with the GWP set of the var ghg_gwp_set
-- (AR5 by default).
with activity as (
    select * from {{ ref('int_ghg__activity') }}
),

parameters as (
    select * from {{ ref('ghg_emission_factors') }}
),

computed as (
    select
        a.region_code, a.year, a.category_code, a.subcategory, p.gas,
        any_value(a.activity_value) as activity_value,
        product(p.value) as emission_factor,
        sqrt(sum(p.uncertainty_pct * p.uncertainty_pct)) as factor_uncertainty_pct,
        any_value(a.activity_level) as activity_level,
        any_value(a.provenance) as provenance,
        any_value(a.load_id) as load_id,
        any_value(a.revised) as revised
    from activity as a
    inner join parameters as p
        on p.category_code = a.category_code
        and (p.subcategory is null or p.subcategory = a.subcategory)
        and p.value is not null
    group by a.region_code, a.year, a.category_code, a.subcategory, p.gas
    having
        bool_or(p.subcategory = a.subcategory)
        or (a.subcategory = 'all' and bool_or(p.basis <> 'constant'))
),

energy_co2 as (
    -- mart_carbon's CO2, its factor the implied one (t CO2 per TJ or per kWh)
    select
        a.region_code, a.year, a.category_code, a.subcategory, 'co2' as gas,
        a.activity_value,
        a.co2_t / nullif(a.activity_value, 0) as emission_factor,
        p.uncertainty_pct as factor_uncertainty_pct,
        a.activity_level, a.provenance, a.load_id, a.revised,
        a.co2_t as emission_t
    from activity as a
    inner join parameters as p
        on p.category_code = a.category_code and p.gas = 'co2' and p.value is null
    where a.co2_t is not null
),

emissions as (
    select *, activity_value * emission_factor as emission_t from computed
    union all by name
    select * from energy_co2
)

-- kept to the kilogram, as int_carbon__co2_by_fuel keeps CO2
select
    e.region_code, e.year, c.sector_code, e.category_code, e.subcategory, e.gas,
    e.activity_value, c.activity_unit, e.emission_factor,
    round(e.emission_t, 3) as emission_t,
    g.gwp,
    round(e.emission_t * g.gwp, 3) as emission_t_co2e,
    c.activity_uncertainty_pct,
    round(e.factor_uncertainty_pct, 2) as factor_uncertainty_pct,
    round(sqrt(c.activity_uncertainty_pct * c.activity_uncertainty_pct
               + e.factor_uncertainty_pct * e.factor_uncertainty_pct), 2) as uncertainty_pct,
    e.activity_level, e.provenance, e.load_id, e.revised
from emissions as e
inner join {{ ref('ghg_categories') }} as c using (category_code)
inner join {{ ref('gwp_values') }} as g
    on g.gas = e.gas and g.gwp_set = '{{ var("ghg_gwp_set") }}'
