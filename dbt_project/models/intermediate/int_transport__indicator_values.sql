-- Transport indicators for the city in long form, each rate from its numerator and
-- denominator (indicators seed, definition column); rates the bureau publishes as rates
-- (green travel share from the travel survey, green highway recovery/recycling) pass through.
with computed as (
    select
        'transport_statistics' as source_id, year, region_code, provenance, load_id, revised,
        100.0 * vehicles_added_clean / nullif(vehicles_added, 0) as new_energy_vehicle_share_of_additions,
        100.0 * freight_rail_t / nullif(freight_total_t, 0) as rail_freight_share,
        green_travel_share_pct as green_travel_share_main_urban,
        highway_waste_recovery_pct as green_highway_waste_recovery_rate,
        highway_waste_recycling_pct as green_highway_waste_recycling_rate,
        100.0 * service_areas_fast_charging / nullif(service_areas, 0)
            as expressway_service_area_fast_charging_coverage,
        100.0 * passenger_hubs_fast_charging / nullif(passenger_hubs, 0)
            as passenger_hub_fast_charging_coverage,
        100.0 * service_areas_charging_swap / nullif(service_areas, 0)
            as expressway_service_area_charging_swap_coverage,
        100.0 * passenger_hubs_charging_swap / nullif(passenger_hubs, 0)
            as passenger_hub_charging_swap_coverage
    from {{ ref('stg_transport__statistics') }}
)

select * from computed
unpivot (obs_value for indicator_code in (
    new_energy_vehicle_share_of_additions, rail_freight_share, green_travel_share_main_urban,
    green_highway_waste_recovery_rate, green_highway_waste_recycling_rate,
    expressway_service_area_fast_charging_coverage, passenger_hub_fast_charging_coverage,
    expressway_service_area_charging_swap_coverage, passenger_hub_charging_swap_coverage
))
