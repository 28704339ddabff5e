-- Regions for BI joins: the city, its five counties/districts and the two functional zones.
select
    region_code,
    name_zh,
    name_en,
    region_level,
    parent_code,
    code_system,
    -- zones overlap the districts, so only districts and counties add up to the city
    region_level in ('district', 'county') as is_summed_into_parent,
    note
from {{ ref('regions') }}
