-- Green transport per region and year: green-travel share of the main urban area (T35),
-- rail freight share (T34), new-energy share of added vehicles (T33), charging coverage of
-- expressway service areas and passenger hubs (T38–T41), green highway waste (T36, T37).
{{ indicator_mart({
    'green_travel_share_main_urban': 'green_travel_share_main_urban_pct',
    'rail_freight_share': 'rail_freight_share_pct',
    'new_energy_vehicle_share_of_additions': 'new_energy_vehicle_share_of_additions_pct',
    'expressway_service_area_fast_charging_coverage': 'expressway_service_area_fast_charging_pct',
    'expressway_service_area_charging_swap_coverage': 'expressway_service_area_charging_swap_pct',
    'passenger_hub_fast_charging_coverage': 'passenger_hub_fast_charging_pct',
    'passenger_hub_charging_swap_coverage': 'passenger_hub_charging_swap_pct',
    'green_highway_waste_recovery_rate': 'green_highway_waste_recovery_rate_pct',
    'green_highway_waste_recycling_rate': 'green_highway_waste_recycling_rate_pct',
}) }}
