-- Daily concentrations per region (each county/district with stations, and the city over all
-- its stations): the arithmetic mean of its stations' valid daily values (HJ 663-2013 §5),
-- from the stations' unrounded values and left unrounded (exact to 1e-9): the published daily
-- values (mart_air_quality_daily) and the annual statistics (mart_air_quality) each round
-- once, by GB/T 8170.
with station_regions as (
    select stations.station_code, stations.region_code
    from {{ ref('monitoring_stations') }} as stations
    union all
    select stations.station_code, regions.parent_code
    from {{ ref('monitoring_stations') }} as stations
    inner join {{ ref('regions') }} as regions using (region_code)
    where regions.region_level in ('district', 'county')
)

select
    station_regions.region_code,
    daily.day,
    {{ provenance_computed('daily.provenance') }} as provenance,
    count(*) as stations,
    {%- for column in ['pm25_24h_ugm3', 'pm10_24h_ugm3', 'so2_24h_ugm3', 'no2_24h_ugm3',
                       'co_24h_mgm3', 'o3_1h_max_ugm3', 'o3_mda8_ugm3'] %}
    {{ from_nano(mean_nano('daily.' ~ column)) }} as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ ref('int_air__station_daily') }} as daily
inner join station_regions using (station_code)
group by station_regions.region_code, daily.day
