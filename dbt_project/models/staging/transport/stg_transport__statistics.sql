-- Transport statistics for the city (交通运输局, GBK CSV): vehicles added, freight by mode,
-- green travel, green highways, charging facilities; the latest vintage per year.
with source as (
    select * from {{ source('transport', 'transport_statistics') }}
),

typed as (
    select
        cast({{ to_number('year') }} as integer) as year,
        '511900' as region_code,
        {{ to_number('vehicles_added') }} as vehicles_added,
        {{ to_number('vehicles_added_clean') }} as vehicles_added_clean,
        {{ convert_unit(to_number('freight_total'), '万吨', 't') }} as freight_total_t,
        {{ convert_unit(to_number('freight_rail'), '万吨', 't') }} as freight_rail_t,
        {{ to_number('green_travel_share') }} as green_travel_share_pct,
        {{ to_number('highway_waste_recovery') }} as highway_waste_recovery_pct,
        {{ to_number('highway_waste_recycling') }} as highway_waste_recycling_pct,
        {{ to_number('service_areas') }} as service_areas,
        {{ to_number('service_areas_fast_charging') }} as service_areas_fast_charging,
        {{ to_number('service_areas_charging_swap') }} as service_areas_charging_swap,
        {{ to_number('passenger_hubs') }} as passenger_hubs,
        {{ to_number('passenger_hubs_fast_charging') }} as passenger_hubs_fast_charging,
        {{ to_number('passenger_hubs_charging_swap') }} as passenger_hubs_charging_swap,
        {{ lineage_columns() }}
    from source
)

{{ keep_latest_vintage('typed', ['year']) }}
