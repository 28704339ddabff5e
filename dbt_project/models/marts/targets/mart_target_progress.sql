-- Progress of every plan target, for the city and (where the indicator exists at county
-- level) each county/district. The status rule is documented in _targets__models.yml.
{% set tolerance = 0.05 %}   {# '~' targets: within ±5% of the target value counts as met #}
{% set at_risk_ratio = 0.8 %} {# projected to cover ≥80% of the remaining gap: at risk #}
{% set trend_years = 5 %}     {# projection: linear trend over the last observed years #}

with targets as (
    select * from {{ ref('int_plan_targets') }}
),

series as (
    select * from {{ ref('int_target_progress__series') }}
    where measure is not null
),

target_regions as (
    select targets.*, regions.region_code, regions.name_zh as region_name_zh,
           regions.name_en as region_name_en, regions.region_level
    from targets
    inner join {{ ref('regions') }} as regions
        on regions.region_level = 'city'
        or (targets.county_level and regions.region_level in ('district', 'county'))
),

latest as (
    select
        target_id, region_code,
        max(year) as latest_year,
        arg_max(measure, year) as latest_value,
        arg_max(indicator_value, year) as latest_indicator_value,
        -- sample wins: a target judged on any sample figure is sample
        {{ provenance_weakest('provenance') }} as provenance
    from series
    group by all
),

recent as (
    select *, row_number() over (partition by target_id, region_code order by year desc) as recency
    from series
),

trend as (
    select
        target_id, region_code,
        count(*) as trend_points,
        regr_slope(measure, year) as slope,
        regr_intercept(measure, year) as intercept
    from recent
    where recency <= {{ trend_years }}
    group by all
),

-- every_year targets (保持/稳定/规划期内当年…): each year of the plan period must meet the
-- floor; a year that did not is a miss nothing later can undo
misses as (
    select
        series.target_id,
        series.region_code,
        string_agg(cast(series.year as varchar), ', ' order by series.year) as missed_years
    from series
    inner join targets using (target_id)
    where targets.assessment = 'every_year'
        and series.year > targets.baseline_year and series.year <= targets.target_year
        and not {{ target_met('series.measure', 'targets.comparator', 'targets.target_value', tolerance) }}
    group by all
),

-- the city's measure per year: a county's share of a city total is read against it
city_series as (
    select series.target_id, series.year, series.measure as city_measure
    from series
    inner join {{ ref('regions') }} as regions
        on regions.region_code = series.region_code and regions.region_level = 'city'
),

-- CO2 targets against a baseline year: fuels the latest year counts that the baseline year's
-- balance did not itemise (2005 has no LPG): the reduction is then judged on a mixed scope
fuels_itemised as (
    select region_code, year, fuel_code
    from {{ ref('int_carbon__co2_by_fuel') }}
    where quantity is not null
),

baseline_scope as (
    select
        targets.target_id,
        latest.region_code,
        string_agg(now.fuel_code, ',' order by now.fuel_code) as fuels_missing_in_baseline
    from targets
    inner join latest using (target_id)
    inner join fuels_itemised as now
        on now.region_code = latest.region_code and now.year = latest.latest_year
    left join fuels_itemised as base
        on base.region_code = now.region_code and base.fuel_code = now.fuel_code
        and base.year = targets.baseline_year
    where targets.indicator_code in ('co2_per_gdp', 'co2_emissions_energy') and base.fuel_code is null
    group by all
),

baseline as (
    select
        series.target_id,
        series.region_code,
        any_value(series.baseline_indicator_value) as baseline_indicator_value,
        max(series.measure) filter (where series.year = targets.baseline_year) as baseline_value
    from series
    inner join targets using (target_id)
    group by series.target_id, series.region_code
),

assembled as (
    select
        target_regions.*,
        baseline.baseline_indicator_value,
        baseline.baseline_value,
        -- "not below the present level": the baseline is the target
        case when target_regions.target_kind = 'not_below_baseline'
             then baseline.baseline_value else target_regions.target_value end
            as effective_target_value,
        latest.latest_year,
        latest.latest_value,
        latest.latest_indicator_value,
        latest.provenance,
        misses.missed_years,
        baseline_scope.fuels_missing_in_baseline,
        100.0 * latest.latest_value / nullif(city_series.city_measure, 0) as share_of_city,
        trend.trend_points,
        trend.slope as trend_per_year,
        case when coalesce(trend.trend_points, 0) < 2 then null
             -- a share cannot pass 100%: the straight line is cut there (least() would
             -- skip a NULL, hence the guard above)
             when target_regions.unit = '%'
                 then least(100, trend.intercept + trend.slope * target_regions.target_year)
             else trend.intercept + trend.slope * target_regions.target_year
        end as projected_value
    from target_regions
    left join latest using (target_id, region_code)
    left join trend using (target_id, region_code)
    left join baseline using (target_id, region_code)
    left join misses using (target_id, region_code)
    left join baseline_scope using (target_id, region_code)
    left join city_series
        on city_series.target_id = target_regions.target_id and city_series.year = latest.latest_year
        and target_regions.region_level <> 'city' and target_regions.is_city_total
),

judged as (
    select
        *,
        is_city_total and region_level <> 'city' as is_county_part,
        {{ target_met('latest_value', 'comparator', 'effective_target_value', tolerance) }}
            as latest_meets_target,
        {{ target_met('projected_value', 'comparator', 'effective_target_value', tolerance) }}
            as projection_meets_target,
        -- share of the remaining gap the trend is expected to close by the target year
        case when comparator <> '~'
             then (projected_value - latest_value) / nullif(effective_target_value - latest_value, 0)
        end as anticipated_progress_ratio
    from assembled
)

select
    target_id,
    indicator_code,
    target_indicator_zh,
    target_indicator_en,
    domain,
    region_code,
    region_name_zh,
    region_name_en,
    region_level,
    comparator,
    target_year,
    effective_target_value as target_value,
    unit,
    target_kind,
    assessment,
    is_city_total,
    baseline_year,
    round(baseline_value, 4) as baseline_value,
    baseline_indicator_value,
    indicator_unit,
    latest_year,
    round(latest_value, 4) as latest_value,
    latest_indicator_value,
    -- rounded to 4 decimals: the inputs carry no more precision than that. None of the
    -- three for a county's part of a city total: the city's target is not the county's.
    round(case when not is_county_part then case comparator
        when '<=' then latest_value - effective_target_value
        when '~' then abs(latest_value - effective_target_value)
        else effective_target_value - latest_value
    end end, 4) as gap_to_target,
    round(case when not is_county_part and latest_year < target_year
         then (effective_target_value - latest_value) / (target_year - latest_year)
    end, 4) as required_annual_change,
    round(case when not is_county_part then projected_value end, 4) as projected_value,
    trend_points,
    round(trend_per_year, 4) as trend_per_year,
    missed_years,
    fuels_missing_in_baseline,
    round(share_of_city, 2) as share_of_city_pct,
    case
        -- the plan sets no target for a county's part of a city total
        when is_county_part then 'not_applicable'
        when latest_value is null or effective_target_value is null then 'no_data'
        when missed_years is not null then 'off_track'
        when assessment = 'every_year' and latest_meets_target
            then case when latest_year >= target_year then 'achieved' else 'on_track' end
        when latest_meets_target then 'achieved'
        when latest_year >= target_year then 'off_track'
        when projected_value is null then 'at_risk'
        when projection_meets_target then 'on_track'
        when comparator = '~'
             and abs(projected_value - effective_target_value)
                 <= 2 * {{ tolerance }} * abs(effective_target_value) then 'at_risk'
        when anticipated_progress_ratio >= {{ at_risk_ratio }} then 'at_risk'
        else 'off_track'
    end as status,
    provenance,
    lead_department_zh
from judged
order by target_id, region_level <> 'city', region_code
