-- Energy indicators computed beyond one dataset's fields (the others are declared in the
-- indicators seed and computed in int_indicator_values): the share of coal, in tce with the
-- coal_equivalent_coefficients seed, and energy per unit of GDP at 2020 prices.
with raw_coal as (
    select kgce_per_unit as tce_per_t from {{ ref('coal_equivalent_coefficients') }}
    where fuel_code = 'raw_coal'
),

gdp as (
    {{ gdp_comparable_prices() }}
),

consumption as (
    select
        'energy_consumption_by_fuel' as source_id, c.year, c.region_code,
        {{ provenance_computed(['c.provenance', 'gdp.gdp_provenance']) }} as provenance,
        c.load_id, c.revised,
        100.0 * c.raw_coal_t * raw_coal.tce_per_t / nullif(c.total_tce, 0) as coal_consumption_share,
        c.total_tce / nullif(gdp.gdp_comparable_prices, 0) as energy_consumption_per_gdp
    from {{ ref('stg_energy__consumption_by_fuel') }} as c
    cross join raw_coal
    left join gdp using (year, region_code)
)

select * from consumption
unpivot (obs_value for indicator_code in (coal_consumption_share, energy_consumption_per_gdp))
