-- Public institutions per region and year: resource-saving organ shares (T23, T24), green
-- procurement share (T25), total energy use (T26) and energy per floor area (T27).
{{ indicator_mart() }}
