-- Enterprises holding a pollutant discharge permit, one row per 统一社会信用代码: name, county,
-- GB/T 4754 industry and permit class as the newest permit states them (a renewal may move
-- the class or rename the holder); every other name a source used is in dim_enterprise_alias.
with permits as (
    select * from {{ ref('stg_enterprise__pollutant_permits') }}
),

newest as (
    select *
    from permits
    qualify row_number() over (
        partition by credit_code order by valid_from desc, issued_on desc, permit_number asc
    ) = 1
),

history as (
    select credit_code, min(valid_from) as first_permit_from, count(distinct valid_from) as permit_validities
    from permits
    group by credit_code
)

select
    newest.credit_code,
    newest.enterprise_name as name_zh,
    newest.region_code,
    dim_region.name_zh as region_name_zh,
    newest.industry_code,
    newest.industry_name as industry_name_zh,
    sections.section as industry_section,
    sections.name_zh as industry_section_name_zh,
    newest.permit_number,
    newest.permit_class,
    newest.valid_from as permit_valid_from,
    newest.valid_to as permit_valid_to,
    history.first_permit_from,
    history.permit_validities,
    newest.provenance
from newest
inner join history using (credit_code)
inner join {{ ref('dim_region') }} as dim_region using (region_code)
left join {{ ref('gbt4754_sections') }} as sections on sections.section = left(newest.industry_code, 1)
