-- Enterprise emissions rolled up by year and pollutant for the city, each county/district and
-- each GB/T 4754 section, from mart_enterprise_emissions (so the roll-ups and the enterprises
-- add up: counties and sections each sum to the city, a test checks it). utilisation is over
-- the enterprises that disclosed the pollutant: their disclosed against their permitted.
with emissions as (
    select * from {{ ref('mart_enterprise_emissions') }}
),

rolled as (
    select
        case when grouping(region_code) = 0 then 'county'
             when grouping(industry_section) = 0 then 'industry_section'
             else 'city' end as breakdown,
        region_code,
        industry_section,
        year,
        pollutant_code,
        count(*) as enterprises,
        count(disclosed_t) as enterprises_disclosing,
        count(*) filter (where disclosure_status = 'missing') as reports_missing,
        count(*) filter (where disclosure_status = 'late') as reports_late,
        sum(permitted_t order by credit_code) as permitted_t,
        sum(disclosed_t order by credit_code) as disclosed_t,
        sum(permitted_t order by credit_code) filter (where disclosed_t is not null)
            as permitted_t_disclosing,
        bool_or(provenance = 'sample') as is_sample
    from emissions
    group by grouping sets ((year, pollutant_code), (region_code, year, pollutant_code),
                            (industry_section, year, pollutant_code))
)

select
    rolled.breakdown,
    coalesce(rolled.industry_section, rolled.region_code, {{ city_code() }}) as area_code,
    coalesce(rolled.region_code, {{ city_code() }}) as region_code,
    dim_region.name_zh as region_name_zh,
    rolled.industry_section,
    sections.name_zh as industry_section_name_zh,
    rolled.year,
    rolled.pollutant_code,
    rolled.enterprises,
    rolled.enterprises_disclosing,
    rolled.reports_missing,
    rolled.reports_late,
    rolled.permitted_t,
    rolled.disclosed_t,
    rolled.permitted_t_disclosing,
    100 * rolled.disclosed_t / nullif(rolled.permitted_t_disclosing, 0) as permit_utilisation_pct,
    case when rolled.is_sample then 'sample' else 'derived' end as provenance
from rolled
inner join {{ ref('dim_region') }} as dim_region
    on dim_region.region_code = coalesce(rolled.region_code, {{ city_code() }})
left join {{ ref('gbt4754_sections') }} as sections on sections.section = rolled.industry_section
