-- The indicator catalog for BI joins, with the plan targets that use each indicator.
with targets as (
    select
        indicator_code,
        string_agg(target_id, ',' order by target_id) as plan_target_ids
    from {{ ref('plan_target_indicators') }}
    group by indicator_code
)

select
    indicators.*,
    targets.plan_target_ids,
    targets.plan_target_ids is not null as is_plan_indicator
from {{ ref('indicators') }} as indicators
left join targets using (indicator_code)
