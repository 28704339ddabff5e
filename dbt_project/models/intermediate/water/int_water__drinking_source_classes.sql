-- GB 3838-2002 class of each drinking water source and year by the single-factor rule
-- (单因子评价法): each parameter's class is the best class whose limit it meets (gb3838_limits
-- seed: maxima, DO a minimum; total phosphorus by water body), and the source's class is the
-- worst of its parameters. Where a source reports no complete set of concentrations the class
-- it reports is used, and class_basis says which.
with sources as (
    select * from {{ ref('stg_water__drinking_sources') }}
),

measured as (
    unpivot (select year, source_code, water_body, do_mgl, codmn_mgl, nh3n_mgl, tp_mgl from sources)
    on do_mgl, codmn_mgl, nh3n_mgl, tp_mgl
    into name parameter value concentration
),

parameter_classes as (
    select
        m.year,
        m.source_code,
        m.parameter,
        {{ gb3838_class_rank('m.concentration', 'l') }} as class_rank
    from measured as m
    inner join {{ ref('gb3838_limits') }} as l
        on l.parameter = m.parameter and l.water_body in ('all', m.water_body)
),

evaluated as (
    select
        year,
        source_code,
        count(*) as parameters_evaluated,
        {{ gb3838_class_ranks() }}
    from parameter_classes
    group by year, source_code
),

limiting as (
    select p.year, p.source_code, string_agg(p.parameter, ',' order by p.parameter) as limiting_parameters
    from parameter_classes as p
    inner join evaluated as e using (year, source_code)
    where p.class_rank = e.class_rank
    group by all
),

class_codes as (
    select distinct class_rank, class_code from {{ ref('water_quality_classes') }}
)

select
    sources.year,
    sources.source_code,
    sources.source_name,
    sources.region_code,
    sources.source_level,
    sources.serves_thousand_ton,
    sources.water_body,
    sources.do_mgl, sources.codmn_mgl, sources.nh3n_mgl, sources.tp_mgl,
    evaluated.do_class_rank, evaluated.codmn_class_rank, evaluated.nh3n_class_rank,
    evaluated.tp_class_rank,
    limiting.limiting_parameters,
    evaluated.class_rank as evaluated_class_rank,
    sources.water_class_rank as reported_class_rank,
    -- the four parameters of the sample must all be classed for the rule to decide
    case when evaluated.parameters_evaluated = 4 then evaluated.class_rank
         else sources.water_class_rank end as water_class_rank,
    case when evaluated.parameters_evaluated = 4 then 'gb3838_single_factor'
         else 'as_reported' end as class_basis,
    class_codes.class_code as water_class,
    sources.has_warning_station,
    sources.has_auto_monitoring,
    sources.provenance,
    sources.load_id,
    sources.revised
from sources
left join evaluated using (year, source_code)
left join limiting using (year, source_code)
left join class_codes
    on class_codes.class_rank = case when evaluated.parameters_evaluated = 4
                                     then evaluated.class_rank else sources.water_class_rank end
