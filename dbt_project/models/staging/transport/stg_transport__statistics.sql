-- Transport statistics for the city (交通运输局, GBK CSV): vehicles added, freight by mode,
-- green travel, green highways, charging facilities; the latest vintage per year.
with source as (
    select * from {{ source('transport', 'transport_statistics') }}
),

typed as (
    select
        year__value as year,
        '511900' as region_code,
        vehicles_added__value as vehicles_added,
        vehicles_added_clean__value as vehicles_added_clean,
        freight_total__value as freight_total_t,
        freight_rail__value as freight_rail_t,
        green_travel_share__value as green_travel_share_pct,
        highway_waste_recovery__value as highway_waste_recovery_pct,
        highway_waste_recycling__value as highway_waste_recycling_pct,
        service_areas__value as service_areas,
        service_areas_fast_charging__value as service_areas_fast_charging,
        service_areas_charging_swap__value as service_areas_charging_swap,
        passenger_hubs__value as passenger_hubs,
        passenger_hubs_fast_charging__value as passenger_hubs_fast_charging,
        passenger_hubs_charging_swap__value as passenger_hubs_charging_swap,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
