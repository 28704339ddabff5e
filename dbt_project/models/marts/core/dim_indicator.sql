-- The indicator catalog for BI joins: the seed, each indicator's 提供方 and 更新周期 from the
-- datasets it comes from (sources.yml, through the dbt source meta), and the plan targets
-- that use it.
with targets as (
    select
        indicator_code,
        string_agg(target_id, ',' order by target_id) as plan_target_ids
    from {{ ref('plan_target_indicators') }}
    group by indicator_code
),

indicator_datasets as (
    -- dataset.field terms of value, numerator and denominator; computed_from lists datasets
    select distinct indicator_code, dataset_id
    from (
        select
            indicator_code,
            unnest(
                regexp_extract_all(concat_ws(' ', value, numerator, denominator), '(\w+)\.\w+', 1)
                || string_split(coalesce(computed_from, ''), ' ')
            ) as dataset_id
        from {{ ref('indicators') }}
    )
    where dataset_id <> ''
),

providers as (
    select
        indicator_code,
        string_agg(distinct d.provider, '、' order by d.provider) as provider_zh,
        string_agg(distinct datasets.update_cycle_zh, '、' order by datasets.update_cycle_zh) as update_cycle_zh
    from indicator_datasets
    inner join ({{ catalog_datasets() }}) as datasets using (dataset_id),
        unnest(string_split(datasets.department, '、')) as d (provider)
    group by indicator_code
)

select
    indicators.*,
    providers.provider_zh,
    providers.update_cycle_zh,
    targets.plan_target_ids,
    targets.plan_target_ids is not null as is_plan_indicator
from {{ ref('indicators') }} as indicators
left join providers using (indicator_code)
left join targets using (indicator_code)
