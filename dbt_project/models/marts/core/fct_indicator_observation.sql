-- The conformed fact (SDMX-like): one observation per indicator, region and period, from
-- int_indicator_values (every indicator of the catalogue, seeds/indicators.csv).
with observations as (
    select * from {{ ref('int_indicator_values') }}
)

select
    observations.indicator_code,
    observations.region_code as ref_area,
    cast(observations.year as varchar) as time_period,
    'A' as freq,
    observations.obs_value,
    indicators.unit,
    case when observations.revised then 'R' else 'A' end as obs_status,
    observations.source_id,
    observations.load_id,
    observations.provenance
from observations
inner join {{ ref('indicators') }} as indicators using (indicator_code)
