-- The conformed fact (SDMX-like): one observation per indicator, region and period, from
-- every domain's int_<domain>__indicator_values model.
{%- set domains = ['waste', 'energy', 'carbon', 'economy', 'air', 'transport', 'forestry', 'water',
                    'buildings', 'industry', 'public_institutions'] %}
with observations as (
    {%- for domain in domains %}
    select * from {{ ref('int_' ~ domain ~ '__indicator_values') }}
    {%- if not loop.last %}
    union all by name
    {%- endif %}
    {%- endfor %}
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
