-- Each drinking water source as last reported (name, county, water body) with the GB 3838-2002
-- limits that apply to it, one row per parameter (gb3838_limits; total phosphorus by water
-- body): what the automatic monitoring marts judge a reading or a day against.
with sources as (
    select source_code, source_name, region_code, water_body
    from {{ ref('stg_water__drinking_sources') }}
    qualify row_number() over (partition by source_code order by year desc) = 1
)

select
    sources.source_code,
    sources.source_name,
    sources.region_code,
    sources.water_body,
    limits.parameter,
    limits.limit_kind,
    limits.class_1,
    limits.class_2,
    limits.class_3,
    limits.class_4,
    limits.class_5
from sources
inner join {{ ref('gb3838_limits') }} as limits on limits.water_body in ('all', sources.water_body)
