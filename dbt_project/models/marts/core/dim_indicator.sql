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

datasets as (
    {{ catalog_datasets() }}
),

-- dataset.field terms of value, numerator and denominator; computed_from lists datasets
named_datasets as (
    select
        indicator_code,
        unnest(
            regexp_extract_all(concat_ws(' ', value, numerator, denominator), '(\w+)\.\w+', 1)
            || string_split(coalesce(computed_from, ''), ' ')
        ) as dataset_id
    from {{ ref('indicators') }}
),

providers as (
    select
        named_datasets.indicator_code,
        string_agg(distinct department.name, '、' order by department.name) as provider_zh,
        string_agg(distinct datasets.update_cycle_zh, '、' order by datasets.update_cycle_zh)
            as update_cycle_zh
    from named_datasets
    inner join datasets on named_datasets.dataset_id = datasets.dataset_id
    cross join unnest(string_split(datasets.department, '、')) as department (name)
    group by named_datasets.indicator_code
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
