-- The inventory's headline indicators in long form, for regions whose inventory covers all
-- five sectors (the city: energy and industrial processes are city statistics only): total
-- emissions without LULUCF, the LULUCF net flux (negative: a sink) and net emissions.
with totals as (
    select
        region_code, year,
        {{ provenance_computed('provenance') }} as provenance,
        -- a total combines several departments' loads: none is its load (the fact says NULL)
        case when count(distinct load_id) = 1 then any_value(load_id) end as load_id,
        bool_or(revised) as revised,
        round(sum(emission_t_co2e) filter (where sector_code <> 'lulucf'), 3) as ghg_emissions_excl_lulucf,
        round(sum(emission_t_co2e) filter (where sector_code = 'lulucf'), 3) as ghg_lulucf_net_flux,
        round(sum(emission_t_co2e), 3) as ghg_net_emissions
    from {{ ref('int_ghg__emissions') }}
    group by region_code, year
    having count(distinct sector_code) = (select count(distinct sector_code) from {{ ref('ghg_categories') }})
)

-- the fact's source_id: the largest of the datasets combined (indicators.computed_from lists all)
select 'energy_consumption_by_fuel' as source_id, *
from totals
unpivot (obs_value for indicator_code in (ghg_emissions_excl_lulucf, ghg_lulucf_net_flux, ghg_net_emissions))
