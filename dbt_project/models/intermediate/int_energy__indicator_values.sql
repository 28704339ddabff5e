-- Energy indicators in long form for every county/district and the city (sums over
-- complete years: macro with_city_totals): installed capacity by type, and hydro + wind +
-- solar together (plan target T08).
with county_amounts as (
    select
        'energy_installed_capacity' as source_id, year, region_code, provenance, load_id,
        vintage_count, indicator_code, obs_value
    from {{ ref('stg_energy__installed_capacity') }}
    unpivot (obs_value for indicator_code in (
        hydro_kw as 'installed_capacity_hydro',
        wind_kw as 'installed_capacity_wind',
        solar_pv_kw as 'installed_capacity_solar_pv',
        biomass_kw as 'installed_capacity_biomass'
    ))
),

amounts as (
    {{ with_city_totals('county_amounts') }}
),

hydro_wind_solar as (
    select
        source_id, year, region_code, provenance, load_id, vintage_count,
        'installed_capacity_hydro_wind_solar' as indicator_code,
        sum(obs_value) as obs_value
    from amounts
    where indicator_code in
        ('installed_capacity_hydro', 'installed_capacity_wind', 'installed_capacity_solar_pv')
    group by all
    having count(*) = 3
)

select * from amounts
union all by name
select * from hydro_wind_solar
