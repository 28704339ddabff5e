-- Forest and ecology per region and year: forest coverage (T06, T07), stock volume (T49),
-- riparian shelterbelt planted (T48) and the ecological quality index (T50).
{{ indicator_mart() }}
