-- Units for BI joins and the SDMX UNIT_MEASURE code list (seed units).
select unit, unit_code, name_zh, name_en
from {{ ref('units') }}
