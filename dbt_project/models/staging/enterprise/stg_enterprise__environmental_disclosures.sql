-- Enterprises' annual environmental disclosure reports (企业环境信息依法披露; JSON reports by
-- file drop): one row per outlet and pollutant (and one for the enterprise's CO2, outlet
-- 全厂). A corrected report is a new file: the newest report of an enterprise-year (latest
-- disclosure date, then fetch) is kept whole, since an outlet it no longer lists is gone,
-- not unchanged; first_disclosed_on keeps the date of the first version (on time or late).
with source as (
    select * from {{ source('enterprise', 'enterprise_environmental_disclosures') }}
),

typed as (
    select
        upper(trim(source.credit_code)) as credit_code,
        source.year__value as year,
        source.disclosed_on__value as disclosed_on,
        trim(source.enterprise_name) as enterprise_name,
        source.region__code as region_code,
        upper(trim(source.outlet_code)) as outlet_code,
        trim(source.outlet_name) as outlet_name,
        trim(source.outlet_medium) as outlet_medium,
        source.pollutant__code as pollutant_code,
        source.pollutant as pollutant_as_received,
        source.emissions_t__value as emissions_t,
        {{ lineage_columns('source') }}
    from source
),

reports as (
    select
        credit_code, year, load_id, disclosed_on,
        min(disclosed_on) over report as first_disclosed_on,
        count(*) over report as report_versions,
        row_number() over (partition by credit_code, year
                           order by disclosed_on desc, fetched_at desc, load_id desc) as newest
    from (select distinct credit_code, year, load_id, disclosed_on, fetched_at from typed) as reports
    window report as (partition by credit_code, year)
)

select
    typed.*,
    reports.first_disclosed_on,
    reports.report_versions,
    reports.report_versions > 1 as revised
from typed
inner join reports using (credit_code, year, load_id)
where reports.newest = 1
