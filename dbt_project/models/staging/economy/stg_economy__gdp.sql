-- GDP, its volume index and industry value added (统计局, NBS easyquery shape), one row per
-- region and year; amounts in 10^4 yuan (万元). Cells the source marks hasdata=false arrive
-- empty and stay NULL. The latest vintage per year and region.
with source as (
    select * from {{ source('economy', 'economy_gdp') }}
),

cells as (
    select
        source.year__value as year,
        source.region__code as region_code,
        source.indicator_code,
        source.value__value as value,
        {{ provenance_from_note('source.data_note') }} as provenance,
        source._load_id as load_id,
        source._fetched_at as fetched_at
    from source
),

latest_cells as (
    {{ keep_latest_vintage('cells', ['year', 'region_code', 'indicator_code']) }}
)

select
    year,
    region_code,
    {{ convert_unit("max(value) filter (where indicator_code = 'A020101')", '亿元', '10^4 yuan') }}
        as gdp_current_prices_10k_yuan,
    max(value) filter (where indicator_code = 'A020102') as gdp_volume_index_2020_eq_100,
    {{ convert_unit("max(value) filter (where indicator_code = 'A020301')", '亿元', '10^4 yuan') }}
        as industry_value_added_current_prices_10k_yuan,
    max(provenance) filter (where indicator_code = 'A020101') as gdp_current_prices_provenance,
    -- 'sample' if any cell of the row is: what is computed from the row is no better
    {{ provenance_weakest('provenance') }} as provenance,
    max(load_id) as load_id,
    bool_or(revised) as revised
from latest_cells
group by year, region_code
