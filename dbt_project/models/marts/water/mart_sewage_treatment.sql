-- Sewage and sludge per region and year: urban sewage collected and treated and sludge
-- treated (county amounts; the city from complete county sums), their rates (T54, T64), and
-- the rural side: share of villages with sewage treated (T55). Every figure is an indicator
-- of the fact, the city's sums computed once (int_indicator_values).
{{ indicator_mart() }}
