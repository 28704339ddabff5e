-- The measure each target is judged on, per target, region and year, in the target's unit:
-- * level, count, not_below_baseline: the indicator value, converted to the target's unit;
-- * reduction_vs_baseline: (1 - value / value in the baseline year) x 100, from the
--   intensity series itself (never a stored reduction), for years from the baseline on;
-- * cumulative: running total of the yearly values after the baseline year (the plan's
--   1000 km of shelter forest over 2021-2025);
-- * assessment period_total: the share of the amounts summed over the period so far (T20: the
--   14th FYP's distribution-network investment over its total grid investment, 2021 to the
--   year), from the two amounts plan_target_indicators names, never an average of shares.
with targets as (
    select * from {{ ref('int_plan_targets') }}
),

observations as (
    select
        indicator_code,
        ref_area as region_code,
        cast(time_period as integer) as year,
        obs_value,
        provenance
    from {{ ref('fct_indicator_observation') }}
    where freq = 'A'
),

target_observations as (
    select
        targets.target_id,
        targets.target_kind,
        targets.assessment,
        targets.baseline_year,
        targets.target_year,
        observations.region_code,
        observations.year,
        observations.obs_value as indicator_value,
        observations.obs_value * conversions.factor as value_in_target_unit,
        observations.provenance
    from targets
    inner join observations using (indicator_code)
    left join {{ ref('unit_conversions') }} as conversions
        on conversions.from_unit = targets.indicator_unit and conversions.to_unit = targets.unit
),

period_totals as (
    select
        targets.target_id,
        observations.region_code,
        observations.year,
        100.0 * sum(sum(observations.obs_value) filter (
                    where observations.indicator_code = targets.period_numerator)) over running
            / nullif(sum(sum(observations.obs_value) filter (
                    where observations.indicator_code = targets.period_denominator)) over running, 0)
            as period_share
    from targets
    inner join observations
        on observations.indicator_code in (targets.period_numerator, targets.period_denominator)
    where targets.assessment = 'period_total'
        and observations.year > targets.baseline_year and observations.year <= targets.target_year
    group by targets.target_id, observations.region_code, observations.year
    window running as (
        partition by targets.target_id, observations.region_code order by observations.year
        rows between unbounded preceding and current row)
),

with_baseline as (
    select
        *,
        max(indicator_value) filter (where year = baseline_year)
            over (partition by target_id, region_code) as baseline_indicator_value
    from target_observations
),

in_scope as (
    select * from with_baseline
    where case
        when assessment = 'period_total' then year > baseline_year and year <= target_year
        when target_kind = 'reduction_vs_baseline'
            then year >= baseline_year and baseline_indicator_value is not null
        when target_kind = 'cumulative' then year > baseline_year
        else true
    end
)

select
    target_id,
    region_code,
    year,
    indicator_value,
    baseline_indicator_value,
    case
        when assessment = 'period_total' then period_totals.period_share
        when target_kind = 'reduction_vs_baseline'
            then 100.0 * (1 - indicator_value / nullif(baseline_indicator_value, 0))
        when target_kind = 'cumulative'
            then sum(value_in_target_unit) over (
                partition by target_id, region_code order by year
                rows between unbounded preceding and current row)
        else value_in_target_unit
    end as measure,
    provenance
from in_scope
left join period_totals using (target_id, region_code, year)
