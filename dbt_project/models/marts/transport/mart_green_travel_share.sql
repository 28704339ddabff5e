-- Green transport per region and year: green-travel share of the main urban area (T35),
-- rail freight share (T34), new-energy share of added vehicles (T33), charging coverage of
-- expressway service areas and passenger hubs (T38–T41), green highway waste (T36, T37).
{{ indicator_mart() }}
