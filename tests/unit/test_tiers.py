"""The open and shared tiers: what of a table each gets, decided from the indicator catalog's
共享/开放 attributes and the YAML's column origins (publishing.tiers)."""

import duckdb

from orchestration.assets.dbt import dbt_project
from publishing import TIER_BY_NAME, TableDoc, table_docs
from publishing.tiers import admitted_indicators, cut_table
from tests.unit.test_reference_data import SEEDS_DIR, read

OPEN, SHARED = TIER_BY_NAME["open"], TIER_BY_NAME["shared"]
CARBON = TableDoc(
    "mart_carbon", "", primary_key=("region_code", "year"),
    indicators={"co2_t": "co2", "gdp": "gdp"},
    origins={"co2_t": ("co2",), "gdp": ("gdp",), "co2_change_pct": ("co2",), "factor": ()})
COLUMNS = ["region_code", "year", "region_name_zh", "co2_t", "gdp", "co2_change_pct", "factor",
           "undeclared"]


def test_a_wide_table_loses_the_columns_of_closed_indicators_and_what_is_computed_from_them():
    cut = cut_table("m", COLUMNS, CARBON, {"gdp"}, OPEN)
    assert cut.columns == ["region_code", "year", "region_name_zh", "gdp", "factor"]
    assert set(cut.withheld) == {"co2_t", "co2_change_pct", "undeclared"}
    assert "fail closed" in cut.withheld["undeclared"]  # no declared origin: not opened
    # the shared tier admits the conditional indicator; an undeclared column is not opened by it
    shared = cut_table("m", COLUMNS, CARBON, {"gdp", "co2"}, SHARED)
    assert shared.columns == COLUMNS and shared.withheld == {}


def test_a_table_keyed_by_indicator_keeps_the_rows_of_admitted_indicators_only():
    with duckdb.connect() as con:
        con.execute("CREATE TABLE fact AS SELECT * FROM (VALUES ('gdp', 1.0), ('co2', 2.0)) "
                    "AS t(indicator_code, obs_value)")
        cut = cut_table("fact", ["indicator_code", "obs_value"], TableDoc("fct", ""), {"gdp"}, OPEN)
        assert con.execute(cut.sql).fetchall() == [("gdp", 1.0)]
        cut = cut_table("fact", ["indicator_code", "obs_value"], TableDoc("fct", ""), set(), OPEN)
        assert con.execute(cut.sql).fetchall() == []


def test_a_wide_table_with_nothing_left_is_not_published():
    doc = TableDoc("m", "", primary_key=("region_code",), origins={"co2_t": ("co2",)})
    assert cut_table("m", ["region_code", "co2_t"], doc, set(), OPEN) is None


def test_tiers_admit_by_the_catalog_attributes():
    with duckdb.connect() as con:
        con.execute("CREATE TABLE dim AS SELECT * FROM (VALUES ('a', '无条件共享', true), "
                    "('b', '有条件共享', false), ('c', '不予共享', false)) "
                    "AS t(indicator_code, share_type_zh, open_to_public)")
        assert admitted_indicators(con, "dim", OPEN) == {"a"}
        assert admitted_indicators(con, "dim", SHARED) == {"a", "b"}


def test_the_catalog_attributes_agree_and_every_declared_origin_is_catalogued():
    indicators = {r["indicator_code"]: r for r in read(SEEDS_DIR / "indicators.csv")}
    for code, row in indicators.items():
        # open to the public only what is shared without condition
        if row["open_to_public"] == "true":
            assert row["share_type_zh"] == "无条件共享", code
        else:
            assert row["open_condition_zh"], code
        if row["share_type_zh"] == "有条件共享":
            assert row["share_condition_zh"] and row["share_method_zh"], code
    for doc in table_docs(dbt_project.manifest_path).values():
        for column, origins in doc.origins.items():
            assert set(origins) <= set(indicators), (doc.name, column, origins)


def test_every_published_table_has_its_own_catalogue_code_and_every_column_a_chinese_name():
    """The catalogue's 顺序码 (meta.catalogue_seq) is set once per published model and never
    shared; every documented column has a Chinese name (glossary seed or indicator catalogue)."""
    docs = table_docs(dbt_project.manifest_path)
    seqs = [d.catalogue_seq for d in docs.values()]
    assert all(seqs) and len(set(seqs)) == len(seqs), sorted(seqs)
    unnamed = [(t, c) for t, d in docs.items() for c in d.columns if not d.name_zh(c)]
    assert unnamed == []
