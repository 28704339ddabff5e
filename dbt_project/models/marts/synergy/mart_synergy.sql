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
-- concentrations stand in for emissions (basis ambient_concentration); a region without CO2
-- or air data gets no row. Beside them, basis enterprise_emissions: the permit holders'
-- disclosed emissions against their disclosed CO2, summed over the enterprises that disclosed
-- both the pollutant and CO2 in both years (the same enterprises on both sides), for the
-- city and each county with such enterprises.
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
            case when bool_and(annual.is_pm25_year_valid)
                then {{ from_nano(mean_nano('exact.pm25_24h_ugm3')) }} end as pm25,
            case when bool_and(annual.is_so2_year_valid)
                then {{ from_nano(mean_nano('exact.so2_24h_ugm3')) }} end as so2,
            case when bool_and(annual.is_no2_year_valid)
                then {{ from_nano(mean_nano('exact.no2_24h_ugm3')) }} end as no2
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
        {{ provenance_computed(['carbon.provenance', 'air_changes.provenance']) }} as provenance,
        'ambient_concentration' as basis,
        cast(null as bigint) as enterprises_compared,
        cast(null as double) as previous_emissions_t,
        cast(null as double) as emissions_t
    from carbon
    inner join air_changes
        on air_changes.region_code = carbon.region_code and air_changes.year = carbon.year
        -- consecutive annual values on both sides over the same span
        and air_changes.previous_year = carbon.previous_year
),

-- an enterprise-pollutant counts in a year when it and the year before both have the
-- pollutant and CO2 disclosed (mart_enterprise_emissions' changes need consecutive years)
enterprise_pairs as (
    select
        credit_code, region_code, year, base_year, lower(pollutant_code) as pollutant, provenance,
        disclosed_t, previous_disclosed_t, co2_t, previous_co2_t
    from {{ ref('mart_enterprise_emissions') }}
    where pollutant_change_pct is not null and co2_change_pct is not null
),

enterprise_changes as (
    select
        coalesce(region_code, {{ city_code() }}) as region_code, year, any_value(base_year) as base_year,
        pollutant,
        100 * (sum(co2_t order by credit_code) / sum(previous_co2_t order by credit_code) - 1)
            as co2_change_pct,
        cast(null as double) as co2_per_gdp_change_pct,
        cast(null as double) as previous_concentration_ugm3,
        cast(null as double) as concentration_ugm3,
        100 * (sum(disclosed_t order by credit_code) / sum(previous_disclosed_t order by credit_code) - 1)
            as pollutant_change_pct,
        {{ provenance_computed('provenance') }} as provenance,
        'enterprise_emissions' as basis,
        count(*) as enterprises_compared,
        sum(previous_disclosed_t order by credit_code) as previous_emissions_t,
        sum(disclosed_t order by credit_code) as emissions_t
    from enterprise_pairs
    group by grouping sets ((year, pollutant), (region_code, year, pollutant))
),

all_changes as (
    select * from changes
    union all by name
    select * from enterprise_changes
)

select
    changes.basis,
    changes.region_code,
    dim_region.name_zh as region_name_zh,
    dim_region.name_en as region_name_en,
    changes.year,
    changes.base_year,
    changes.pollutant,
    changes.enterprises_compared,
    changes.previous_emissions_t,
    changes.emissions_t,
    changes.previous_concentration_ugm3,
    changes.concentration_ugm3,
    changes.pollutant_change_pct,
    changes.co2_change_pct,
    changes.co2_per_gdp_change_pct,
    changes.pollutant_change_pct / nullif(changes.co2_change_pct, 0) as synergy_elasticity,
    'pollutant_over_co2' as elasticity_orientation,
    {{ synergy_quadrant('changes.pollutant_change_pct', 'changes.co2_change_pct') }} as quadrant,
    changes.provenance
from all_changes as changes
inner join {{ ref('dim_region') }} as dim_region using (region_code)
