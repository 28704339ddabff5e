-- Hourly air readings per station (生态环境局 monitoring export, one CSV per station-month),
-- typed: hour ending in local time, ug/m3 (CO mg/m3), region from the monitoring_stations
-- seed; provenance from the station name; the latest vintage per station and hour.
with source as (
    select * from {{ source('air', 'air_hourly_readings') }}
),

typed as (
    select
        source.station_code,
        stations.region_code,
        strptime({{ normalize_name('source.hour') }}, ['%Y-%m-%d%H:%M', '%Y-%m-%dT%H:%M',
                                                      '%Y-%m-%d%H:%M:%S', '%Y-%m-%dT%H:%M:%S'])
            as hour_ending,
        {{ to_number('source.pm25') }} as pm25_ugm3,
        {{ to_number('source.pm10') }} as pm10_ugm3,
        {{ to_number('source.so2') }} as so2_ugm3,
        {{ to_number('source.no2') }} as no2_ugm3,
        {{ to_number('source.co') }} as co_mgm3,
        {{ to_number('source.o3') }} as o3_ugm3,
        -- the feed has no note column: sample stations say so in their name
        {{ lineage_columns('source', note_column='station_name') }}
    from source
    left join {{ ref('monitoring_stations') }} as stations using (station_code)
)

{{ keep_latest_vintage('typed', ['station_code', 'hour_ending']) }}
