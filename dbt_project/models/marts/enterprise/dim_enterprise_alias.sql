-- Every name a source has used for an enterprise (a rename, a report's own spelling), with
-- the years it was used: how a name in a document is traced to its 统一社会信用代码.
with names as (
    select
        credit_code, enterprise_name as alias, 'enterprise_pollutant_permits' as source_id,
        year(valid_from) as first_year, year(valid_to) as last_year, provenance
    from {{ ref('stg_enterprise__pollutant_permits') }}
    union all
    select
        credit_code, enterprise_name as alias, 'enterprise_environmental_disclosures' as source_id,
        year as first_year, year as last_year, provenance
    from {{ ref('stg_enterprise__environmental_disclosures') }}
)

select
    names.credit_code,
    names.alias,
    names.source_id,
    min(names.first_year) as first_year,
    max(names.last_year) as last_year,
    names.alias = dim_enterprise.name_zh as is_current_name,
    {{ provenance_weakest('names.provenance') }} as provenance
from names
inner join {{ ref('dim_enterprise') }} as dim_enterprise using (credit_code)
group by names.credit_code, names.alias, names.source_id, dim_enterprise.name_zh
