-- Industry per region and year: energy per unit of value added above designated size at
-- 2020 prices (T28), green industrial parks and factories (T29, T30), bulk industrial solid
-- waste utilisation (T31, T32).
{{ indicator_mart() }}
