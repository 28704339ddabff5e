"""What analysts and BI tools get: the snapshot (readable while a new one is published),
Parquet / CSV / SDMX-CSV exports, the JSON catalog, dbt docs, and the dashboard in a real
headless Chromium. One pipeline run serves the whole module."""

import csv
import json
import shutil
import subprocess
import sys
import textwrap
import time

import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration.assets.dbt import dbt_project
from orchestration.settings import REPO_DIR
from publishing import SNAPSHOT_NAME, table_docs, write_snapshot

ARTIFACTS = REPO_DIR / "test-artifacts"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def published_tables(published) -> set[str]:
    with duckdb.connect(str(published.settings.publish_dir / SNAPSHOT_NAME), read_only=True) as con:
        return {t for (t,) in con.execute("SHOW TABLES").fetchall()}


def test_the_snapshot_stays_readable_while_a_new_one_is_published(published, tmp_path):
    snapshot = published.settings.publish_dir / SNAPSHOT_NAME
    # an analyst's process: one connection held open, plus new connections, querying throughout
    reader = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        held = duckdb.connect({str(snapshot)!r}, read_only=True)
        done, n = time.monotonic() + 8, 0
        while time.monotonic() < done:
            held.execute("SELECT count(*) FROM mart_target_progress").fetchone()
            with duckdb.connect({str(snapshot)!r}, read_only=True) as fresh:
                fresh.execute("SELECT count(*) FROM fct_indicator_observation").fetchone()
            n += 1
        print(n)
    """)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # the reader is in its loop
    before = snapshot.stat().st_ino
    for _ in range(3):
        counts = write_snapshot(published.settings.warehouse_path, published.settings.publish_dir,
                                table_docs(dbt_project.manifest_path))
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    assert int(out) > 0 and counts["mart_target_progress"] == 280
    assert snapshot.stat().st_ino != before  # replaced, not written in place


def test_every_table_is_exported_as_typed_parquet_with_descriptions_and_as_csv(published):
    out = published.settings.publish_dir
    tables = published_tables(published)
    assert {p.stem for p in (out / "parquet").glob("*.parquet")} == tables
    assert {p.stem for p in (out / "csv").glob("*.csv")} == tables

    schema = pq.read_schema(out / "parquet" / "mart_solid_waste_utilization.parquet")
    assert str(schema.field("year").type) == "int32"
    assert str(schema.field("gisw_utilization_rate_pct").type) == "double"
    described = schema.field("gisw_utilization_rate_pct").metadata[b"description"].decode()
    assert "一般工业固体废物综合利用率" in described
    assert b"Solid waste" in schema.metadata[b"description"]

    raw = (out / "csv" / "mart_target_progress.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Excel-readable UTF-8, CRLF
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 280 and rows[0]["target_id"] == "T01"
    assert {r["target_indicator_zh"] for r in rows} >= {"非化石能源消费比重"}


def test_the_fact_is_published_as_sdmx_csv(published):
    path = published.settings.publish_dir / "sdmx" / "fct_indicator_observation.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == ["DATAFLOW", "INDICATOR", "REF_AREA", "FREQ", "TIME_PERIOD", "OBS_VALUE",
                             "UNIT_MEASURE", "OBS_STATUS", "PROVENANCE", "SOURCE_ID"]
    assert {r["DATAFLOW"] for r in rows} == {"CN_BAZHONG:SYNERGY_INDICATORS(1.0)"}
    (fact_rows,) = published.query("SELECT count(*) FROM marts.fct_indicator_observation")[0]
    assert len(rows) == fact_rows
    forest = [r for r in rows if r["INDICATOR"] == "forest_coverage_rate" and r["REF_AREA"] == "511900"]
    expected = published.query("SELECT time_period, obs_value FROM marts.fct_indicator_observation "
                               "WHERE indicator_code = 'forest_coverage_rate' AND ref_area = '511900'")
    assert {(r["TIME_PERIOD"], float(r["OBS_VALUE"])) for r in forest} == set(expected)


def test_the_catalog_lists_every_table_and_indicator_bilingually(published):
    catalog = json.loads((published.settings.publish_dir / "catalog.json").read_text(encoding="utf-8"))
    assert {t["name"] for t in catalog["tables"]} == published_tables(published)
    waste = next(t for t in catalog["tables"] if t["name"] == "mart_solid_waste_utilization")
    rate = next(c for c in waste["columns"] if c["name"] == "gisw_utilization_rate_pct")
    assert rate["indicator_code"] == "general_industrial_solid_waste_utilization_rate"
    assert rate["type"] == "DOUBLE" and rate["description"]
    indicators = {i["indicator_code"]: i for i in catalog["indicators"]}
    assert len(indicators) == published.query("SELECT count(*) FROM marts.dim_indicator")[0][0]
    forest = indicators["forest_coverage_rate"]
    assert forest["name_zh"] == "森林覆盖率" and forest["name_en"]
    assert forest["share_type_zh"] and forest["share_type_en"]
    # 共享/开放属性 travel with each indicator (有条件共享 is not opened by default)
    co2 = indicators["co2_per_gdp"]
    assert (co2["share_type_zh"], co2["open_to_public"]) == ("有条件共享", False)
    assert co2["share_condition_zh"] and co2["share_method_zh"] and co2["open_condition_zh"]
    assert forest["open_to_public"] is True
    assert "mart_forest.forest_coverage_rate_pct" in forest["published_in"]
    assert catalog["provenance_in_data"] == ["sample"]


def test_dbt_docs_and_data_docs_are_published(published):
    out = published.settings.publish_dir
    dbt_docs = (out / "dbt_docs" / "index.html").read_text(encoding="utf-8")
    assert "mart_target_progress" in dbt_docs and "target_dashboard" in dbt_docs  # exposure
    assert (out / "data_docs" / "index.html").exists()


@pytest.mark.skipif(not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
                    reason="Debian chromium and chromium-driver not installed (.ci/run installs them)")
def test_the_dashboard_shows_every_target_in_headless_chromium(published):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import Select

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # headless, and no background traffic to Google's hosts (the machine has no network)
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1400,1800"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        page = published.settings.publish_dir / "dashboard" / "index.html"
        driver.get(page.as_uri())
        rows = driver.find_elements("css selector", "#targets tr[data-target]")
        assert sorted(r.get_attribute("data-target") for r in rows) == [f"T{i:02d}" for i in range(1, 66)]
        assert driver.find_element("id", "sample-banner").is_displayed()
        assert "巴中市" in driver.find_element("id", "region-filter").text
        assert len(driver.find_elements("css selector", "#targets svg.spark polyline")) > 50
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "dashboard.png"))

        Select(driver.find_element("id", "domain-filter")).select_by_value("waste")
        waste = {r.get_attribute("data-target")
                 for r in driver.find_elements("css selector", "#targets tr[data-target]")}
        assert waste == {t for (t,) in published.query(
            "SELECT target_id FROM marts.mart_target_progress WHERE domain = 'waste' "
            "AND region_code = '511900'")}
        Select(driver.find_element("id", "region-filter")).select_by_value("511923")
        county = driver.find_elements("css selector", "#scorecard tr[data-scorecard]")
        assert county and all("平昌县" in r.text for r in county)
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()


def test_a_run_that_changed_nothing_rewrites_no_published_file(pipeline):
    import dagster as dg

    files = ["bazhong.duckdb", "catalog.json", "dashboard/index.html", "csv/mart_carbon.csv",
             "parquet/mart_carbon.parquet", "sdmx/fct_indicator_observation.csv"]
    publish_dir = pipeline.settings.publish_dir
    selection = dg.AssetSelection.assets(*[dg.AssetKey(["published", name]) for name in
                                           ("marts_snapshot", "exports", "catalog", "dashboard")])

    def written() -> dict[str, int]:
        return {f: (publish_dir / f).stat().st_mtime_ns for f in files}

    before = written()
    assert pipeline.run_selection(selection).success
    assert written() == before
    # one value of one mart changes: everything made from the snapshot is written again
    with duckdb.connect(str(pipeline.settings.warehouse_path)) as con:
        con.execute("UPDATE marts.mart_carbon SET co2_emissions_t = co2_emissions_t + 1 WHERE year = 2024")
    assert pipeline.run_selection(selection).success
    assert all(written()[f] != before[f] for f in files)


def test_the_snapshot_carries_the_descriptions_bi_tools_show(published):
    docs = table_docs(dbt_project.manifest_path)
    with duckdb.connect(str(published.settings.publish_dir / SNAPSHOT_NAME), read_only=True) as con:
        tables = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
        columns = {(t, c): comment for t, c, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns()").fetchall()}
    assert tables and all(tables[t] == docs[t].description for t in tables)
    described = {(t, c): d for t in tables for c, d in docs[t].columns.items() if d}
    assert described and all(columns[key] == d for key, d in described.items())
