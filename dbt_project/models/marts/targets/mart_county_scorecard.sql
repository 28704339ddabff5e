-- Each county/district against the city's targets, for targets whose indicator exists at
-- county level: its latest value and status (from mart_target_progress), its rank among the
-- counties/districts (1 = closest to meeting the target), and its trend over the last years.
-- For a city total (capacity, stock, counts) a county has no target of its own: it gets its
-- share of the city's amount and its trend, status not_applicable, and no rank.
-- A county/district without data for a target gets no row.
with progress as (
    select * from {{ ref('mart_target_progress') }}
),

county as (
    select * from progress
    where region_level in ('district', 'county') and latest_value is not null
),

city as (
    select target_id, latest_value as city_latest_value, status as city_status
    from progress
    where region_level = 'city'
)

select
    county.target_id,
    county.indicator_code,
    county.target_indicator_zh,
    county.target_indicator_en,
    county.domain,
    county.region_code,
    county.region_name_zh,
    county.region_name_en,
    county.comparator,
    county.target_value,
    county.unit,
    county.target_year,
    county.latest_year,
    county.latest_value,
    county.gap_to_target,
    county.status,
    county.share_of_city_pct,
    case when not county.is_city_total then rank() over (
        partition by county.target_id
        order by case county.comparator
            when '<=' then county.latest_value
            when '~' then abs(county.latest_value - county.target_value)
            else -county.latest_value
        end
    ) end as rank_among_counties,
    case when not county.is_city_total then count(*) over (partition by county.target_id)
    end as counties_ranked,
    county.trend_per_year,
    case
        when county.trend_per_year is null then null
        when county.trend_per_year = 0 then 'flat'
        when county.comparator = '~'
            then case when sign(county.trend_per_year) = sign(county.target_value - county.latest_value)
                      then 'improving' else 'worsening' end
        when (county.trend_per_year > 0) = (county.comparator <> '<=') then 'improving'
        else 'worsening'
    end as trend_direction,
    city.city_latest_value,
    city.city_status,
    county.provenance
from county
left join city using (target_id)
