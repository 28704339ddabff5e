-- Exceedance events of the automatic monitoring stations: consecutive readings of one
-- parameter worse than GB 3838 class III (the drinking-source standard), per station. A
-- missing reading inside a run does not end it (only readings with a value are ordered).
-- The warnings a water source's operator acts on: start, last reading, readings, peak.
with readings as (
    -- the SQL-standard UNPIVOT, which DuckDB and Spark both read
    select station_code, source_code, reading_time, provenance, parameter, concentration
    from (
        select station_code, source_code, reading_time, provenance, do_mgl, codmn_mgl, nh3n_mgl, tp_mgl
        from {{ ref('stg_water__auto_monitoring_readings') }}
    ) unpivot (concentration for parameter in (do_mgl, codmn_mgl, nh3n_mgl, tp_mgl))
),

judged as (
    select
        r.*,
        {{ gb3838_class_rank('r.concentration', 'l') }} > 3 as exceeds,
        l.class_3 as class_iii_limit,
        l.limit_kind
    from readings as r
    inner join {{ ref('int_water__drinking_source_limits') }} as l using (source_code, parameter)
),

runs as (
    select
        *,
        row_number() over (partition by station_code, parameter order by reading_time)
        - row_number() over (partition by station_code, parameter, exceeds order by reading_time) as run
    from judged
)

select
    station_code,
    any_value(source_code) as source_code,
    parameter,
    min(reading_time) as started_at,
    max(reading_time) as last_reading_at,
    count(*) as readings,
    -- the worst value: the lowest DO, the highest of the others
    case when any_value(limit_kind) = 'minimum' then min(concentration) else max(concentration) end
        as peak_mgl,
    any_value(class_iii_limit) as class_iii_limit_mgl,
    {{ provenance_computed('provenance') }} as provenance
from runs
where exceeds
group by station_code, parameter, run
