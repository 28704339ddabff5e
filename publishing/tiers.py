"""The two published tiers, built from the indicator catalog's 共享/开放 attributes
(seeds/indicators.csv → dim_indicator; 《政务信息资源共享管理暂行办法》's 共享类型):

- open/    what may be opened to the public: indicators with open_to_public;
- shared/  the full set for the 智慧巴中 government data-sharing platform: 无条件共享 and
           有条件共享 indicators (each with its conditions in the metadata);
- 不予共享 indicators go to neither.

A published table reaches a tier cut to what the tier admits. Rows: a table keyed by
indicator_code (the fact, target progress, the scorecard, dim_indicator) keeps the rows of
admitted indicators. Columns: a column that carries an indicator or is computed from one
(the YAML's meta.indicator and meta.derived_from) stays only when every one of those is
admitted. In a wide mart a measure column that declares neither is withheld from the open
tier (fail closed: an undeclared CO2 share of something must not go public by omission);
keys and the descriptive columns below always stay."""

from dataclasses import dataclass

from .metadata import TableDoc

# Columns that describe a row rather than measure anything (the keys come from the tests).
DESCRIPTIVE = frozenset({"region_name_zh", "region_name_en", "region_level", "year", "month", "day",
                         "provenance", "is_revised"})
ROW_KEY = "indicator_code"


@dataclass(frozen=True)
class Tier:
    name: str  # the folder under the publish dir
    title_zh: str
    title_en: str
    admits: str  # SQL predicate over dim_indicator
    fail_closed: bool  # withhold measure columns that declare no origin


TIERS = (
    Tier("open", "向社会开放的数据", "Open data (for the public)",
         "open_to_public AND share_type_zh = '无条件共享'", fail_closed=True),
    Tier("shared", "政务共享数据（智慧巴中）", "Government data sharing (智慧巴中 platform)",
         "share_type_zh IN ('无条件共享', '有条件共享')", fail_closed=False),
)
TIER_BY_NAME = {t.name: t for t in TIERS}


def admitted_indicators(con, dim_indicator: str, tier: Tier) -> set[str]:
    """indicator_code of every indicator `tier` admits, from the `dim_indicator` relation."""
    return {code for (code,) in con.execute(
        f"SELECT indicator_code FROM {dim_indicator} WHERE {tier.admits}").fetchall()}


@dataclass(frozen=True)
class TableCut:
    sql: str  # SELECT of the rows and columns the tier gets, from the source relation
    columns: list[str]
    withheld: dict[str, str]  # column → why it stays out


def cut_table(source: str, columns: list[str], doc: TableDoc, admitted: set[str],
              tier: Tier) -> TableCut | None:
    """What of table `source` (columns in order) reaches `tier`; None when no measure is left."""
    keys = set(doc.primary_key) | {c for cols, _, _ in doc.foreign_keys for c in cols}
    wide = ROW_KEY not in columns and not doc.name.startswith("dim_")
    kept, withheld = [], {}
    for column in columns:
        origins = doc.origins.get(column)
        if origins and not set(origins) <= admitted:
            withheld[column] = "carries or is computed from " + ", ".join(
                sorted(set(origins) - admitted))
        elif (origins is None and wide and tier.fail_closed and column not in keys
              and column not in DESCRIPTIVE):
            withheld[column] = "declares no meta.indicator or meta.derived_from (fail closed)"
        else:
            kept.append(column)
    if wide and not [c for c in kept if c not in keys | DESCRIPTIVE]:
        return None
    where = ""
    if ROW_KEY in columns:
        codes = ", ".join(f"'{c}'" for c in sorted(admitted)) or "NULL"
        where = f" WHERE {ROW_KEY} IN ({codes})"
    select = ", ".join(f'"{c}"' for c in kept)
    return TableCut(f"SELECT {select} FROM {source}{where}", kept, withheld)
