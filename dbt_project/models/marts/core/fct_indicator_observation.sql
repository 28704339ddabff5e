-- The conformed fact (SDMX-like): one observation per indicator, region and period, from
-- every domain's int_<domain>__indicator_values model.
with observations as (
    select * from {{ ref('int_waste__indicator_values') }}
    union all by name
    select * from {{ ref('int_energy__indicator_values') }}
    union all by name
    select * from {{ ref('int_economy__indicator_values') }}
    union all by name
    select * from {{ ref('int_transport__indicator_values') }}
    union all by name
    select * from {{ ref('int_forestry__indicator_values') }}
    union all by name
    select * from {{ ref('int_water__indicator_values') }}
    union all by name
    select * from {{ ref('int_buildings__indicator_values') }}
    union all by name
    select * from {{ ref('int_industry__indicator_values') }}
    union all by name
    select * from {{ ref('int_public_institutions__indicator_values') }}
)

select
    observations.indicator_code,
    observations.region_code as ref_area,
    cast(observations.year as varchar) as time_period,
    'A' as freq,
    observations.obs_value,
    indicators.unit,
    case when observations.vintage_count > 1 then 'R' else 'A' end as obs_status,
    observations.source_id,
    observations.load_id,
    observations.provenance
from observations
inner join {{ ref('indicators') }} as indicators using (indicator_code)
