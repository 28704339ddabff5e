-- Permitted against disclosed emissions per enterprise, year and pollutant (SO2, NOx,
-- particulates, VOCs, COD, NH3-N), with the enterprise's disclosed CO2 and its synergy.
--   permitted_t: the annual quantity of the permit in force in the year (max where a renewal
--     overlaps); disclosed_t: the newest report's outlets summed.
--   utilisation = disclosed / permitted × 100.
--   disclosure: due by 15 March of the next year (《企业环境信息依法披露管理办法》 art. 14);
--     on time or late by the first version's date (a later correction does not make it late);
--     a year without a report is `missing` for a 重点管理 permit holder (taken here as the
--     units the measures oblige; the obliged list is the bureau's 重点排污单位名录), else
--     `not_required`.
--   synergy: the pollutant's change against the enterprise's CO2 change over consecutive
--     disclosed years, the quadrant as mart_synergy's (macro synergy_quadrant).
-- Years: from the first year any report covers to the newest; a permit's future years are
-- not rows.
with permits as (
    select * from {{ ref('stg_enterprise__pollutant_permits') }} where pollutant_code <> 'CO2'
),

disclosures as (
    select * from {{ ref('stg_enterprise__environmental_disclosures') }}
),

-- every year from the first report to the newest (a year nobody reported is still a year)
years as (
    select unnest(range(min(year), max(year) + 1)) as year from disclosures
),

permitted as (
    select
        permits.credit_code, years.year, permits.pollutant_code,
        max(permits.permitted_t) as permitted_t,
        arg_max(permits.permit_class, permits.valid_from) as permit_class,
        bool_or(permits.provenance = 'sample') as is_sample
    from permits
    inner join years on year(permits.valid_from) <= years.year and years.year <= year(permits.valid_to)
    group by all
),

disclosed as (
    select
        credit_code, year, pollutant_code,
        sum(emissions_t order by outlet_code) as disclosed_t,
        count(distinct outlet_code) as outlets,
        bool_or(provenance = 'sample') as is_sample
    from disclosures
    where pollutant_code <> 'CO2'
    group by all
),

reports as (
    select
        credit_code, year,
        any_value(first_disclosed_on) as first_disclosed_on,
        any_value(disclosed_on) as disclosed_on,
        bool_or(revised) as is_revised,
        sum(emissions_t) filter (where pollutant_code = 'CO2') as co2_t
    from disclosures
    group by all
),

rows as (
    select
        credit_code, year, pollutant_code,
        permitted.permitted_t,
        disclosed.disclosed_t,
        disclosed.outlets,
        permitted.permit_class,
        coalesce(permitted.is_sample, false) or coalesce(disclosed.is_sample, false) as is_sample
    from permitted
    full outer join disclosed using (credit_code, year, pollutant_code)
),

with_reports as (
    select
        rows.*,
        reports.first_disclosed_on,
        reports.disclosed_on,
        reports.is_revised,
        reports.co2_t,
        lag(rows.year) over w as previous_year,
        lag(rows.disclosed_t) over w as previous_disclosed_t,
        lag(reports.co2_t) over w as previous_co2_t
    from rows
    left join reports using (credit_code, year)
    window w as (partition by rows.credit_code, rows.pollutant_code order by rows.year)
),

changes as (
    select
        *,
        -- over consecutive disclosed years only
        case when previous_year = year - 1 then 100 * (disclosed_t / previous_disclosed_t - 1) end
            as pollutant_change_pct,
        case when previous_year = year - 1 then 100 * (co2_t / previous_co2_t - 1) end as co2_change_pct
    from with_reports
)

select
    changes.credit_code,
    dim_enterprise.name_zh as enterprise_name_zh,
    dim_enterprise.region_code,
    dim_enterprise.region_name_zh,
    dim_enterprise.industry_code,
    dim_enterprise.industry_section,
    coalesce(changes.permit_class, dim_enterprise.permit_class) as permit_class,
    changes.year,
    changes.pollutant_code,
    pollutants.name_zh as pollutant_name_zh,
    pollutants.medium,
    changes.permitted_t,
    changes.disclosed_t,
    changes.outlets,
    100 * changes.disclosed_t / nullif(changes.permitted_t, 0) as permit_utilisation_pct,
    changes.co2_t,
    make_date(changes.year + 1, 3, 15) as disclosure_due_on,
    changes.first_disclosed_on,
    changes.disclosed_on as newest_report_on,
    case
        when changes.first_disclosed_on is null
            and coalesce(changes.permit_class, dim_enterprise.permit_class) = '重点管理'
            then 'missing'
        when changes.first_disclosed_on is null then 'not_required'
        when changes.first_disclosed_on <= make_date(changes.year + 1, 3, 15) then 'on_time'
        else 'late'
    end as disclosure_status,
    coalesce(changes.is_revised, false) as is_revised,
    changes.previous_year as base_year,
    case when changes.previous_year = changes.year - 1 then changes.previous_disclosed_t end
        as previous_disclosed_t,
    case when changes.previous_year = changes.year - 1 then changes.previous_co2_t end as previous_co2_t,
    changes.pollutant_change_pct,
    changes.co2_change_pct,
    changes.pollutant_change_pct / nullif(changes.co2_change_pct, 0) as synergy_elasticity,
    {{ synergy_quadrant('changes.pollutant_change_pct', 'changes.co2_change_pct') }} as quadrant,
    case when changes.is_sample then 'sample' else 'published' end as provenance
from changes
inner join {{ ref('dim_enterprise') }} as dim_enterprise using (credit_code)
inner join {{ ref('pollutants') }} as pollutants using (pollutant_code)
