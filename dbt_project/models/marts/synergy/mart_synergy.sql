-- Pollution–carbon co-reduction per region, year and pollutant: the year-on-year change in
-- energy CO2 (and CO2 per unit of GDP) against the change in the pollutant's annual
-- concentration (PM2.5, SO2, NO2; HJ 663 annual means of the unrounded daily values, in years
-- where that pollutant's mean is valid). Unrounded: a change of a rounded mean (35 → 34) is
-- a step of the rounding, not of the air (PM2.5's elasticity moved from 8.68 to 7.78 on it).
--   synergy elasticity Els = (ΔP / P₀) ÷ (ΔC / C₀), pollutant in the numerator (the
--   convention of PMC11666946 Table 2; 俞珊 et al. 2024 use the inverse, so the orientation is
--   stored in the row); quadrant: both down = synergy, one down and one up = trade-off, both
--   up = co-increase (毛显强's co-control coordinate system; shared/reference/domain_research.md §5).
-- City emission inventories of SO2/NOx are not published for Bazhong, so ambient
-- concentrations stand in for emissions; a region without CO2 or air data gets no row.
with carbon as (
    select
        region_code, year, co2_emissions_t, co2_per_gdp_t_per_10k_yuan, provenance,
        lag(year) over w as previous_year,
        lag(co2_emissions_t) over w as previous_co2_t,
        lag(co2_per_gdp_t_per_10k_yuan) over w as previous_co2_per_gdp
    from {{ ref('mart_carbon') }}
    window w as (partition by region_code order by year)
),

air as (
    unpivot (
        select
            exact.region_code, year(exact.day) as year, any_value(annual.provenance) as provenance,
            case when bool_and(annual.is_pm25_year_valid) then avg(exact.pm25_24h_ugm3) end as pm25,
            case when bool_and(annual.is_so2_year_valid) then avg(exact.so2_24h_ugm3) end as so2,
            case when bool_and(annual.is_no2_year_valid) then avg(exact.no2_24h_ugm3) end as no2
        from {{ ref('int_air__region_daily') }} as exact
        inner join {{ ref('mart_air_quality') }} as annual
            on annual.region_code = exact.region_code and annual.year = year(exact.day)
        group by exact.region_code, year(exact.day)
    )
    on pm25, so2, no2
    into name pollutant value concentration_ugm3
),

air_changes as (
    select
        *,
        lag(year) over w as previous_year,
        lag(concentration_ugm3) over w as previous_concentration_ugm3
    from air
    window w as (partition by region_code, pollutant order by year)
),

changes as (
    select
        carbon.region_code,
        carbon.year,
        carbon.previous_year as base_year,
        air_changes.pollutant,
        100 * (carbon.co2_emissions_t / carbon.previous_co2_t - 1) as co2_change_pct,
        100 * (carbon.co2_per_gdp_t_per_10k_yuan / carbon.previous_co2_per_gdp - 1)
            as co2_per_gdp_change_pct,
        air_changes.previous_concentration_ugm3,
        air_changes.concentration_ugm3,
        100 * (air_changes.concentration_ugm3 / air_changes.previous_concentration_ugm3 - 1)
            as pollutant_change_pct,
        case when carbon.provenance = 'sample' or air_changes.provenance = 'sample' then 'sample'
             else 'derived' end as provenance
    from carbon
    inner join air_changes
        on air_changes.region_code = carbon.region_code and air_changes.year = carbon.year
        -- consecutive annual values on both sides over the same span
        and air_changes.previous_year = carbon.previous_year
)

select
    changes.region_code,
    dim_region.name_zh as region_name_zh,
    dim_region.name_en as region_name_en,
    changes.year,
    changes.base_year,
    changes.pollutant,
    changes.previous_concentration_ugm3,
    changes.concentration_ugm3,
    changes.pollutant_change_pct,
    changes.co2_change_pct,
    changes.co2_per_gdp_change_pct,
    changes.pollutant_change_pct / nullif(changes.co2_change_pct, 0) as synergy_elasticity,
    'pollutant_over_co2' as elasticity_orientation,
    case
        when changes.pollutant_change_pct < 0 and changes.co2_change_pct < 0 then 'synergy'
        when changes.pollutant_change_pct < 0 and changes.co2_change_pct > 0 then 'trade_off_pollutant_down_co2_up'
        when changes.pollutant_change_pct > 0 and changes.co2_change_pct < 0 then 'trade_off_co2_down_pollutant_up'
        when changes.pollutant_change_pct > 0 and changes.co2_change_pct > 0 then 'co_increase'
        else 'no_change'
    end as quadrant,
    changes.provenance
from changes
inner join {{ ref('dim_region') }} as dim_region using (region_code)
