-- Hourly CO2 and CH4 mole fractions of the 光雾山 background station (市生态环境局, one CSV per
-- station and year); the latest vintage of each station-hour. A value is NULL where the
-- export writes '—' (or the landing contract quarantined the cell).
with source as (
    select * from {{ source('carbon', 'ghg_station_hourly') }}
),

typed as (
    select
        source.station_code,
        source.station_name,
        source.hour__value as hour,
        source.year__value as year,
        source.co2_ppm__value as co2_ppm,
        upper(trim(source.co2_flag)) as co2_flag,
        source.ch4_ppb__value as ch4_ppb,
        upper(trim(source.ch4_flag)) as ch4_flag,
        {{ lineage_columns('source', note_column='station_name') }}
    from source
)

{{ keep_latest_vintage('typed', ['station_code', 'hour']) }}
