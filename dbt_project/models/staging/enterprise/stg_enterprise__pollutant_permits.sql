-- The pollutant discharge permit register (市生态环境局, the national permit platform's paged
-- API): one row per permit, validity and pollutant, the latest vintage of each. A renewal
-- keeps the permit number and starts a new validity, so it is a row of its own.
with source as (
    select * from {{ source('enterprise', 'enterprise_pollutant_permits') }}
),

typed as (
    select
        upper(trim(source.permit_number)) as permit_number,
        upper(trim(source.credit_code)) as credit_code,
        trim(source.enterprise_name) as enterprise_name,
        source.region__code as region_code,
        upper(trim(source.industry_code)) as industry_code,
        trim(source.industry_name) as industry_name,
        trim(source.permit_class) as permit_class,
        source.issued_on__value as issued_on,
        source.valid_from__value as valid_from,
        source.valid_to__value as valid_to,
        source.pollutant__code as pollutant_code,
        source.permitted_t__value as permitted_t,
        {{ lineage_columns('source') }}
    from source
)

{{ keep_latest_vintage('typed', ['permit_number', 'valid_from', 'pollutant_code']) }}
