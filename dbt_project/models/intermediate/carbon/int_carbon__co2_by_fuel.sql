-- CO2 from energy use per region, year and fuel (省级温室气体清单编制指南 method):
--   fuel:        quantity × NCV × carbon content × oxidation rate × 44/12
--   electricity: net imported (purchased) electricity × grid emission factor
-- Coefficients come from the coal_equivalent_coefficients (NCV) and co2_emission_factors
-- (carbon content, oxidation) seeds. The grid factor is the dbt var grid_emission_factor_scope
-- (provincial by default: Sichuan's hydro-heavy grid; national overstates it about 4×), taken
-- for the data year, or the nearest year published (factors appear 2–3 years late), or, with
-- the var grid_emission_factor_year set to a year, that year's factor for every year (a
-- constant factor: the intensity change then reflects consumption only, the practice of the
-- provincial inventory guideline for intensity targets). MEE & NBS publish the factors
-- (grid_emission_factors seed, each row citing its notice).
with consumption as (
    select * from {{ ref('stg_energy__consumption_by_fuel') }}
),

fuel_use as (
    -- Physical quantities in the coefficient tables' units: kg for solids and liquids, m3 for
    -- gas. A fuel the balance does not itemise ('—') keeps its row with a NULL quantity, so
    -- the marts can say which fuels a year's total leaves out.
    select year, region_code, provenance, load_id, revised, fuel_code, quantity
    from (
        select
            year, region_code, provenance, load_id, revised,
            raw_coal_t * 1000 as raw_coal,
            gasoline_t * 1000 as gasoline,
            diesel_t * 1000 as diesel,
            lpg_t * 1000 as lpg,
            natural_gas_m3 as natural_gas
        from consumption
    ) as by_fuel
    unpivot include nulls (quantity for fuel_code in (raw_coal, gasoline, diesel, lpg, natural_gas))
),

fuel_co2 as (
    select
        fuel_use.year, fuel_use.region_code, fuel_use.provenance, fuel_use.load_id,
        fuel_use.revised, fuel_use.fuel_code, 'fuel_combustion' as emission_source,
        fuel_use.quantity,
        ncv.physical_unit as quantity_unit,
        ncv.ncv_kj_per_unit,
        factors.carbon_content_tc_per_tj,
        factors.oxidation_rate,
        cast(null as varchar) as grid_factor_scope,
        cast(null as double) as grid_factor_kg_co2_per_kwh,
        cast(null as integer) as grid_factor_year,
        -- kJ → TJ is 1e-9; tC → tCO2 is 44/12; kept to the kilogram
        round(fuel_use.quantity * ncv.ncv_kj_per_unit * 1e-9 * factors.carbon_content_tc_per_tj
              * factors.oxidation_rate * 44 / 12, 3) as co2_t
    from fuel_use
    inner join {{ ref('coal_equivalent_coefficients') }} as ncv using (fuel_code)
    inner join {{ ref('co2_emission_factors') }} as factors using (fuel_code)
),

grid_factors as (
    select data_year, kg_co2_per_kwh
    from {{ ref('grid_emission_factors') }}
    where grid_scope = '{{ var("grid_emission_factor_scope") }}'
    {%- if var("grid_emission_factor_year") != "nearest" %}
        and data_year = {{ var("grid_emission_factor_year") | int }}
    {%- endif %}
),

electricity_co2 as (
    select
        c.year, c.region_code, c.provenance, c.load_id, c.revised,
        'net_imported_electricity' as fuel_code, 'purchased_electricity' as emission_source,
        c.net_imported_electricity_kwh as quantity,
        'kWh' as quantity_unit,
        cast(null as integer) as ncv_kj_per_unit,
        cast(null as double) as carbon_content_tc_per_tj,
        cast(null as double) as oxidation_rate,
        '{{ var("grid_emission_factor_scope") }}' as grid_factor_scope,
        g.kg_co2_per_kwh as grid_factor_kg_co2_per_kwh,
        g.data_year as grid_factor_year,
        round(c.net_imported_electricity_kwh * g.kg_co2_per_kwh / 1000, 3) as co2_t
    from consumption as c
    inner join grid_factors as g
        -- the factor of the data year if published, else the nearest year (later wins a tie)
        on true
    qualify row_number() over (
        partition by c.year, c.region_code order by abs(g.data_year - c.year), g.data_year desc
    ) = 1
)

select * from fuel_co2
union all by name
select * from electricity_co2
