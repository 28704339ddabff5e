-- Readings of the drinking water sources' automatic monitoring stations (市生态环境局, one CSV
-- per station and year, every 4 hours); the latest vintage of each station-time. A value is
-- NULL where the export writes '—' (or the landing contract quarantined the cell).
with source as (
    select * from {{ source('water', 'water_auto_monitoring_readings') }}
),

typed as (
    select
        source.station_code,
        source.station_name,
        source.source_code,
        source.reading_time__value as reading_time,
        source.year__value as year,
        source.ph__value as ph,
        source.do_mgl__value as do_mgl,
        source.codmn_mgl__value as codmn_mgl,
        source.nh3n_mgl__value as nh3n_mgl,
        source.tp_mgl__value as tp_mgl,
        source.turbidity_ntu__value as turbidity_ntu,
        source.conductivity_us_cm__value as conductivity_us_cm,
        {{ lineage_columns('source', note_column='station_name') }}
    from source
)

{{ keep_latest_vintage('typed', ['station_code', 'reading_time']) }}
