-- Drinking water sources, one row per source and year: annual mean concentrations, the class
-- of each parameter and of the source by the GB 3838-2002 single-factor rule, whether it is
-- Class III or better (plan targets T52 urban 100%, T53 township ≥ 98%), and whether the
-- class the department reported agrees with the rule.
select
    c.year,
    c.source_code,
    c.source_name,
    c.region_code,
    dim_region.name_zh as region_name_zh,
    dim_region.name_en as region_name_en,
    c.source_level,
    c.serves_thousand_ton,
    c.water_body,
    c.do_mgl, c.codmn_mgl, c.nh3n_mgl, c.tp_mgl,
    c.do_class_rank, c.codmn_class_rank, c.nh3n_class_rank, c.tp_class_rank,
    c.limiting_parameters,
    c.water_class_rank,
    c.water_class,
    c.class_basis,
    c.water_class_rank <= 3 as is_class_iii_or_better,
    c.reported_class_rank,
    c.evaluated_class_rank = c.reported_class_rank as reported_class_agrees,
    c.has_warning_station,
    c.has_auto_monitoring,
    c.provenance
from {{ ref('int_water__drinking_source_classes') }} as c
inner join {{ ref('dim_region') }} as dim_region using (region_code)
