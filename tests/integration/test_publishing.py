"""What analysts, BI tools and the 智慧巴中 platform get, in the open and shared tiers: the
snapshot (readable while a new one is published), Parquet / CSV / XLSX / SDMX-CSV exports, the
data packages and 编制指南 catalogues, dbt docs, and the dashboard in a real headless
Chromium; and nothing conditional in the open tier. One pipeline run serves the whole module."""

import contextlib
import csv
import json
import re
import shutil
import subprocess
import sys
import textwrap
import time

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from orchestration.__main__ import main as orchestration_cli
from orchestration.assets.dbt import dbt_project
from orchestration.settings import REPO_DIR
from publishing import SNAPSHOT_NAME, TIER_BY_NAME, table_docs, write_snapshot
from publishing.releases import (
    NOTES,
    current_version,
    cut_release,
    read_sums,
    releases_dir,
    tier_checksums,
    versions,
)

ARTIFACTS = REPO_DIR / "test-artifacts"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
TIERS = ["open", "shared"]
OPEN = "open_to_public AND share_type_zh = '无条件共享'"


def tier_dir(published, tier: str):
    return published.settings.publish_dir / tier


def published_tables(published, tier: str) -> set[str]:
    with duckdb.connect(str(tier_dir(published, tier) / SNAPSHOT_NAME), read_only=True) as con:
        return {t for (t,) in con.execute("SHOW TABLES").fetchall()}


def closed_indicators(published) -> set[str]:
    """Indicators the catalog does not open to the public (有条件共享 and 不予共享)."""
    return {c for (c,) in published.query(
        f"SELECT indicator_code FROM marts.dim_indicator WHERE NOT ({OPEN})")}


def test_the_snapshot_stays_readable_while_a_new_one_is_published(published, tmp_path):
    snapshot = tier_dir(published, "open") / SNAPSHOT_NAME
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
        snapshot_written = write_snapshot(published.settings.warehouse_path, snapshot.parent,
                                          table_docs(dbt_project.manifest_path), TIER_BY_NAME["open"])
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    (open_targets,) = published.query(
        "SELECT count(*) FROM marts.mart_target_progress JOIN marts.dim_indicator USING (indicator_code) "
        f"WHERE {OPEN}")[0]
    assert int(out) > 0 and 0 < snapshot_written.rows["mart_target_progress"] == open_targets < 280
    assert snapshot.stat().st_ino != before  # replaced, not written in place


@pytest.mark.parametrize("tier", TIERS)
def test_every_table_is_exported_as_typed_parquet_with_descriptions_and_as_csv(published, tier):
    out = tier_dir(published, tier)
    tables = published_tables(published, tier)
    assert {p.stem for p in (out / "parquet").glob("*.parquet")} == tables
    assert {p.stem for p in (out / "csv").glob("*.csv")} == tables
    assert {p.stem for p in (out / "xlsx").glob("*.xlsx")} == tables

    schema = pq.read_schema(out / "parquet" / "mart_solid_waste_utilization.parquet")
    assert str(schema.field("year").type) == "int32"
    assert str(schema.field("gisw_utilization_rate_pct").type) == "double"
    described = schema.field("gisw_utilization_rate_pct").metadata[b"description"].decode()
    assert "一般工业固体废物综合利用率" in described
    assert b"Solid waste" in schema.metadata[b"description"]

    raw = (out / "csv" / "mart_target_progress.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Excel-readable UTF-8, CRLF
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert (len(rows) == 280) == (tier == "shared") and rows[0]["target_id"] == "T01"
    assert {r["target_indicator_zh"] for r in rows} >= {"非化石能源消费比重"}


def test_the_fact_is_published_as_sdmx_with_its_structure_and_reads_back(published):
    import sdmx

    folder = tier_dir(published, "open") / "sdmx"
    path = folder / "fct_indicator_observation.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "INDICATOR", "REF_AREA", "FREQ",
                             "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "PROVENANCE",
                             "SOURCE_ID"]
    assert {r["STRUCTURE_ID"] for r in rows} == {"CN_BAZHONG:SYNERGY_INDICATORS_OPEN(1.0)"}
    (fact_rows,) = published.query(
        "SELECT count(*) FROM marts.fct_indicator_observation JOIN marts.dim_indicator USING "
        f"(indicator_code) WHERE {OPEN}")[0]
    assert len(rows) == fact_rows

    # the round trip: the structure message (SDMX-ML) read by sdmx1, the data read against it
    structure = sdmx.read_sdmx(folder / "structure.xml")
    # each tier's code lists under their own ids: the shared tier's CL_INDICATOR lists more
    assert set(structure.codelist) == {"CL_INDICATOR_OPEN", "CL_REF_AREA_OPEN", "CL_UNIT_MEASURE_OPEN",
                                       "CL_OBS_STATUS_OPEN", "CL_FREQ_OPEN"}
    shared = sdmx.read_sdmx(tier_dir(published, "shared") / "sdmx" / "structure.xml")
    assert len(shared.codelist["CL_INDICATOR_SHARED"]) > len(structure.codelist["CL_INDICATOR_OPEN"])
    flow = structure.dataflow["SYNERGY_INDICATORS_OPEN"]
    data = sdmx.read_sdmx(path, format="csv", structure=flow)
    frame = sdmx.to_pandas(data.data[0], attributes="o").reset_index()
    assert len(frame) == fact_rows
    for dimension, codelist in [("INDICATOR", "CL_INDICATOR_OPEN"), ("REF_AREA", "CL_REF_AREA_OPEN"),
                                ("UNIT_MEASURE", "CL_UNIT_MEASURE_OPEN"),
                                ("OBS_STATUS", "CL_OBS_STATUS_OPEN")]:
        codes = {c.id for c in structure.codelist[codelist]}
        assert set(frame[dimension]) <= codes, dimension
    # the open tier's code list names no closed indicator
    assert not {c.id for c in structure.codelist["CL_INDICATOR_OPEN"]} & closed_indicators(published)
    assert str(structure.codelist["CL_INDICATOR_OPEN"]["forest_coverage_rate"].name["zh"]) == "森林覆盖率"
    forest = frame[(frame["INDICATOR"] == "forest_coverage_rate") & (frame["REF_AREA"] == "511900")]
    expected = published.query("SELECT time_period, obs_value FROM marts.fct_indicator_observation "
                               "WHERE indicator_code = 'forest_coverage_rate' AND ref_area = '511900'")
    assert {(r.TIME_PERIOD, round(float(r.value), 2)) for r in forest.itertuples()} == {
        (t, round(v, 2)) for t, v in expected}
    assert set(forest["UNIT_MEASURE"]) == {"PT"}


@pytest.mark.parametrize("tier", TIERS)
def test_each_tier_is_a_valid_frictionless_data_package(published, tier):
    out = tier_dir(published, tier)
    # every row of every CSV against its Table Schema: types, primary and foreign keys
    check = subprocess.run([str(REPO_DIR / ".venv" / "bin" / "frictionless"), "validate", "--json",
                            "datapackage.json"], cwd=out, capture_output=True, text=True)
    report = json.loads(check.stdout)
    assert check.returncode == 0 and report["valid"], check.stdout[-3000:]
    assert len(report["tasks"]) == len(published_tables(published, tier))

    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == f"bazhong-synergy-{tier}" and package["licenses"]
    assert package["version"] and package["release"]["data"] == "sample"
    assert re.fullmatch(r"[0-9a-f]{40}|unknown.*", package["release"]["commit"])
    assert package["sources"] and package["contributors"]
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == published_tables(published, tier)
    fact = resources["fct_indicator_observation"]["schema"]
    assert fact["primaryKey"] == ["indicator_code", "ref_area", "time_period", "freq"]
    assert {"fields": ["ref_area"], "reference": {"resource": "dim_region", "fields": ["region_code"]}} \
        in fact["foreignKeys"]
    forest = {f["name"]: f for f in resources["mart_forest"]["schema"]["fields"]}
    rate = forest["forest_coverage_rate_pct"]
    assert rate["type"] == "number" and rate["title"] == "森林覆盖率（%）" and rate["description"]
    assert resources["mart_forest"]["title"].startswith("森林资源")
    carbon = resources["mart_carbon"]["sharing"]  # in open/, cut to what is unconditional
    expected = {"shared": ("有条件共享", "conditional sharing"),
                "open": ("无条件共享", "unconditional sharing")}
    assert (carbon["share_type_zh"], carbon["share_type_en"]) == expected[tier]


def test_the_catalogues_carry_the_sharing_and_opening_attributes(published):
    from openpyxl import load_workbook

    entries = {}
    for tier in TIERS:
        body = json.loads((tier_dir(published, tier) / "catalogue.json").read_text(encoding="utf-8"))
        assert body["版本"]["data"] == "sample"
        entries[tier] = {e["资源标识"]: e for e in body["信息资源"]}
    carbon = entries["shared"]["511900.marts.mart_carbon"]
    assert carbon["信息资源名称"] == "能源活动二氧化碳排放与强度"
    assert carbon["共享属性"]["共享类型"] == "有条件共享" and carbon["共享属性"]["共享条件"]
    assert carbon["开放属性"] == {"是否向社会开放": "否", "开放条件": carbon["开放属性"]["开放条件"]}
    assert "市统计局" in carbon["信息资源提供方"] and carbon["更新周期"] == "年度"
    # each provider's 统一社会信用代码, marked 示例 while made up
    assert re.fullmatch(r"(11511900\d{9}[0-9A-Z]（示例）、?)+", carbon["信息资源提供方代码"])
    # the 编制指南's coded forms: 类 2 主题, 项 11 生态环保, 目 the domain's code; 顺序码
    assert carbon["信息资源分类"] == "2 主题信息资源 / 11 生态环保 / 002 碳排放"
    region = entries["shared"]["511900.marts.dim_region"]["信息资源代码"]
    assert re.fullmatch(r"211002/\d{6}", carbon["信息资源代码"]) and carbon["关联资源代码"] == [region]
    codes = [e["信息资源代码"] for e in entries["shared"].values()]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"211\d{3}/\d{6}", c) for c in codes)
    assert entries["open"]["511900.marts.mart_carbon"]["信息资源代码"] == carbon["信息资源代码"]
    assert {i["字段名"] for i in carbon["信息项信息"]} >= {"co2_emissions_t", "region_code"}
    # Chinese first: every 信息项名称 and the 摘要 in Chinese
    chinese = re.compile(r"[\u4e00-\u9fff]")
    for entry in entries["shared"].values():
        assert chinese.match(entry["信息资源摘要"]), entry["信息资源代码"]
        assert all(chinese.search(i["信息项名称"]) for i in entry["信息项信息"]), entry["信息资源代码"]
    names_zh = {i["信息项名称"] for i in carbon["信息项信息"]}
    assert names_zh >= {"能源活动二氧化碳排放量（吨二氧化碳）", "行政区划代码"}
    # the open tier's cut of the same table: only what may be opened, so open and unconditional
    open_carbon = entries["open"]["511900.marts.mart_carbon"]
    assert open_carbon["共享属性"]["共享类型"] == "无条件共享"
    assert open_carbon["开放属性"]["是否向社会开放"] == "是"
    assert "co2_emissions_t" not in {i["字段名"] for i in open_carbon["信息项信息"]}
    book = load_workbook(tier_dir(published, "shared") / "catalogue.xlsx", read_only=True)
    assert book.sheetnames == ["信息资源目录", "信息项", "版本"]
    header, *rows = book["信息资源目录"].iter_rows(values_only=True)
    assert {"信息资源分类", "信息资源名称", "信息资源代码", "信息资源提供方", "信息资源摘要", "信息资源格式",
            "共享类型", "共享条件", "共享方式", "是否向社会开放", "开放条件", "更新周期", "发布日期",
            "关联资源代码"} <= set(header)
    assert len(rows) == len(entries["shared"])


def _texts_in(path) -> list[str]:
    """Every text a file holds that a reader would see: cells, names, comments, raw text."""
    if path.suffix in {".duckdb", ".parquet"}:
        with duckdb.connect(":memory:") as con:
            if path.suffix == ".duckdb":
                con.execute(f"ATTACH '{path}' AS s (READ_ONLY)")
                relations = [f's.main."{t}"' for (t,) in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 's'").fetchall()]
                texts = [str(r) for r in con.execute(
                    "SELECT table_name, comment FROM duckdb_tables() WHERE database_name = 's' UNION ALL "
                    "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 's'").fetchall()]
            else:
                relations, texts = [f"read_parquet('{path}')"], [str(pq.read_schema(path))]
            for relation in relations:
                texts += [str(r) for r in con.execute(f"SELECT * FROM {relation}").fetchall()]
            return texts
    if path.suffix == ".sqlite":
        import sqlite3

        with contextlib.closing(sqlite3.connect(path)) as db:
            tables = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
            return [str(tables)] + [str(r) for name, _ in tables
                                    for r in db.execute(f'SELECT * FROM "{name}"').fetchall()]
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        return [str(row) for sheet in book for row in sheet.iter_rows(values_only=True)]
    return [path.read_text(encoding="utf-8-sig")]


def test_no_conditional_or_closed_indicator_reaches_the_open_tier(published):
    closed = closed_indicators(published)
    assert len(closed) >= 14  # the sample catalog's 有条件共享 indicators
    names = re.compile(r"(?<![a-z0-9_])(" + "|".join(sorted(closed)) + r")(?![a-z0-9_])")
    # their values as the shared tier's CSV writes them (six or more significant digits: a
    # coincidence with an open figure is implausible)
    with open(tier_dir(published, "shared") / "csv" / "fct_indicator_observation.csv",
              encoding="utf-8-sig") as fh:
        values = {r["obs_value"] for r in csv.DictReader(fh)
                  if r["indicator_code"] in closed and len(r["obs_value"].replace(".", "").strip("0-")) >= 6}
    assert len(values) > 20
    files = [p for p in tier_dir(published, "open").rglob("*") if p.is_file()]
    assert len(files) > 60
    for path in files:
        for text in _texts_in(path):
            # the dashboards name a withheld target's indicator in its catalogue entry (public,
            # as the catalogue is), never a value of it
            if "dashboard" not in path.relative_to(tier_dir(published, "open")).parts:
                assert not names.search(text), (path, names.search(text).group(0))
            else:
                assert not set(re.findall(r"[-\d.]+", text)) & values, path
            if path.suffix == ".csv":
                cells = set(re.split(r"[,\r\n]", text))
                assert not cells & values, (path, sorted(cells & values)[:3])
    # and every column the open tier leaves out carries or derives from a closed indicator
    # (none is held back only for want of a declared origin)
    docs = table_docs(dbt_project.manifest_path)
    open_tables = published_tables(published, "open")
    for table in published_tables(published, "shared"):
        with duckdb.connect(str(tier_dir(published, "shared") / SNAPSHOT_NAME), read_only=True) as con:
            shared = {c for (c, *_) in con.execute(f'DESCRIBE "{table}"').fetchall()}
        if table not in open_tables:  # nothing left to open (the GHG inventory): every measure closed
            measures = {c: set(docs[table].origins[c]) for c in shared if c in docs[table].origins}
            assert measures and all(o & closed for o in measures.values()), table
            continue
        with duckdb.connect(str(tier_dir(published, "open") / SNAPSHOT_NAME), read_only=True) as con:
            opened = {c for (c, *_) in con.execute(f'DESCRIBE "{table}"').fetchall()}
        for column in shared - opened:
            assert set(docs[table].origins.get(column, ())) & closed, (table, column)
    # no open column's description names a column only the shared tier has
    q = "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal"
    with duckdb.connect(str(tier_dir(published, "open") / SNAPSHOT_NAME), read_only=True) as con:
        open_columns = set(con.execute(q).fetchall())
    with duckdb.connect(str(tier_dir(published, "shared") / SNAPSHOT_NAME), read_only=True) as con:
        shared_only = {c for _, c in con.execute(q).fetchall()} - {c for _, c in open_columns}
    for table, column in open_columns:
        named = set(re.findall(r"[a-z][a-z0-9_]*", docs[table].describe(column))) & shared_only
        assert not named, (table, column, named)


needs_chromium = pytest.mark.skipif(
    not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
    reason="Debian chromium and chromium-driver not installed (.ci/run installs them)")


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # headless, and no background traffic to Google's hosts (the machine has no network)
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1400,1800"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def test_dbt_docs_and_data_docs_are_published(published):
    out = published.settings.publish_dir
    dbt_docs = (out / "dbt_docs" / "index.html").read_text(encoding="utf-8")
    assert "mart_target_progress" in dbt_docs and "target_dashboard" in dbt_docs  # exposure
    # the published models described Chinese first, as in every published file
    assert json.dumps("森林覆盖率（%）：")[1:-1] in dbt_docs and "MANIFEST.JSON INLINE DATA" not in dbt_docs
    pages = list((out / "data_docs").rglob("*.html"))
    assert (out / "data_docs" / "index.html") in pages and len(pages) > 40
    # each validation is named with the Dagster run that made it: a page leads to its run
    run_id = published.result.run_id
    assert any(run_id in p.parts for p in (out / "data_docs" / "validations").rglob("*.html"))
    assert not any("__none__" in p.parts for p in (out / "data_docs" / "validations").rglob("*.html"))
    # GX Data Docs load nothing from the network (styles, scripts, fonts, the logo beacon):
    # only links (<a href>) may point outside
    loaded = re.compile(r'(?:<script[^>]*\ssrc|<link[^>]*\shref|<img[^>]*\ssrc)="(https?:[^"]*)"')
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not loaded.findall(html), (page, loaded.findall(html)[:3])
        for local in re.findall(r'(?:src|href)="([^"#:]+\.(?:js|css))"', html):
            assert (page.parent / local).exists(), (page, local)


@needs_chromium
def test_data_docs_render_offline_in_headless_chromium(published):
    driver = chromium()
    try:
        driver.get((published.settings.publish_dir / "data_docs" / "index.html").as_uri())
        assert driver.execute_script("return typeof jQuery !== 'undefined' && "
                                     "typeof jQuery.fn.bootstrapTable === 'function'")
        assert driver.find_elements("css selector", "table") and "Expectation Suites" in driver.page_source
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "data_docs.png"))
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        driver.quit()


@contextlib.contextmanager
def serving(published):
    """`python -m orchestration serve` on a free loopback port, as `make serve` runs it: its
    URL and process."""
    import os
    import socket

    import requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BAZHONG_DATA_DIR": str(published.settings.data_dir)}
    command = [sys.executable, "-m", "orchestration", "serve", "--port", str(port)]
    server = subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(f"{url}/-/versions.json", timeout=1)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.1)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def datasette(published):
    with serving(published) as (url, _):
        yield url


def test_serve_stopped_by_sigterm_stops_datasette_with_it(published):
    import requests

    with serving(published) as (url, server):
        server.terminate()  # SIGTERM, as a service manager or the test's teardown sends
        assert server.wait(timeout=10) is not None
        for _ in range(50):  # Datasette's port closes: no server left behind
            try:
                requests.get(f"{url}/-/versions.json", timeout=1)
            except requests.ConnectionError:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"Datasette still answers on {url} after its `serve` process stopped")


def test_datasette_serves_the_open_tier_read_only_with_its_descriptions(datasette, published):
    import requests

    database = requests.get(f"{datasette}/bazhong.json", timeout=10).json()
    tables = {t["name"]: t for t in database["tables"]}
    assert set(tables) == published_tables(published, "open")
    assert tables["fct_indicator_observation"]["primary_keys"] == [
        "indicator_code", "ref_area", "time_period", "freq"]
    assert {"other_table": "dim_region", "column": "ref_area", "other_column": "region_code"} in \
        tables["fct_indicator_observation"]["foreign_keys"]["outgoing"]
    metadata = requests.get(f"{datasette}/-/metadata.json", timeout=10).json()
    assert metadata["license"] == "Creative Commons Attribution 4.0" and metadata["source"]
    forest_meta = metadata["databases"]["bazhong"]["tables"]["mart_forest"]
    assert forest_meta["title"].startswith("森林资源") and "森林覆盖率" in str(forest_meta["columns"])
    # the JSON API the sharing platform pulls, and CSV: values as in the CSV export
    rows = requests.get(f"{datasette}/bazhong/mart_forest.json?_shape=array&region_code=511900"
                        "&year=2024", timeout=10).json()
    (expected,) = published.query("SELECT round(forest_coverage_rate_pct, 2) FROM marts.mart_forest "
                                  "WHERE region_code = '511900' AND year = 2024")[0]
    assert [r["forest_coverage_rate_pct"] for r in rows] == [expected]
    assert requests.get(f"{datasette}/bazhong/dim_region.csv", timeout=10).text.startswith("region_code,")
    # nothing closed: mart_carbon without its CO2 columns
    carbon = requests.get(f"{datasette}/bazhong/mart_carbon.json?_shape=objects&_size=1", timeout=10).json()
    assert "co2_emissions_t" not in carbon["columns"] and "energy_consumption_tce" in carbon["columns"]
    # read-only: a write through the SQL API is refused
    write = requests.get(f"{datasette}/bazhong.json", params={"sql": "DELETE FROM dim_region"}, timeout=10)
    assert write.status_code >= 400 or not write.json().get("ok", True)
    assert published.settings.publish_dir.joinpath("open", "bazhong.sqlite").exists()


@needs_chromium
def test_datasette_pages_render_in_headless_chromium(datasette):
    driver = chromium()
    try:
        driver.get(f"{datasette}/bazhong/mart_forest")
        assert "森林资源" in driver.title or "森林资源" in driver.page_source
        assert len(driver.find_elements("css selector", "table.rows-and-columns tbody tr")) > 10
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "datasette.png"))
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        driver.quit()


@needs_chromium
@pytest.mark.parametrize(("size", "width", "height"), [("desktop", 1440, 900), ("mobile", 390, 844)])
def test_the_dashboard_charts_every_open_target_in_headless_chromium(published, size, width, height):
    from selenium.webdriver.support.ui import Select

    city_targets = {t: s for t, s in published.query(
        "SELECT target_id, status FROM marts.mart_target_progress JOIN marts.dim_indicator USING "
        f"(indicator_code) WHERE region_code = '511900' AND {OPEN}")}
    driver = chromium()
    try:
        driver.set_window_size(width, height)
        driver.get((tier_dir(published, "open") / "dashboard" / "index.html").as_uri())
        cards = driver.find_elements("css selector", "#targets article[data-target]")
        # all 65 targets: the open tier's each with its chart drawn (ECharts, SVG), the others
        # as 有条件共享·未公开 with their catalogue entry, never left out
        statuses = {c.get_attribute("data-target"): c.get_attribute("data-status") for c in cards}
        assert len(statuses) == 65 and {t: s for t, s in statuses.items() if s != "withheld"} == city_targets
        charts = driver.find_elements("css selector", "#targets .chart[data-rendered] svg")
        assert len(charts) == len(city_targets)
        withheld = driver.find_elements("css selector", '#targets article[data-status="withheld"]')
        assert len(withheld) == 65 - len(city_targets) > 0
        assert all("有条件共享·未公开" in w.text and "共享条件" in w.text for w in withheld)
        assert driver.find_element("css selector", '#counts [data-count="total"] b').text == "65"
        assert driver.find_element("id", "sample-banner").is_displayed()
        assert not driver.find_element("id", "shared-banner").is_displayed()
        # the GHG inventory is shared only: the open page says so, draws nothing
        assert "有条件共享" in driver.find_element("id", "inventory-note").text
        assert not driver.find_elements("css selector", "#inventory-chart[data-rendered]")
        # the headline targets on top, a card each
        headline = driver.find_elements("css selector", "#headline article")
        assert [h.get_attribute("data-target") for h in headline] == [f"T0{i}" for i in range(1, 8)]
        # status in words (and an icon), not by colour alone; Chinese units
        assert "万千瓦" in driver.find_element("css selector", '#targets [data-target="T11"]').text
        assert "已达成" in driver.find_element("id", "counts").text
        # usable at 390 px: nothing wider than the screen
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / f"dashboard-{size}.png"))

        Select(driver.find_element("id", "status-filter")).select_by_value("off_track")
        shown = {c.get_attribute("data-target") for c in
                 driver.find_elements("css selector", "#targets article[data-target]")}
        assert shown == {t for t, s in city_targets.items() if s == "off_track"}
        Select(driver.find_element("id", "status-filter")).select_by_value("")
        Select(driver.find_element("id", "domain-filter")).select_by_value("waste")
        shown = {c.get_attribute("data-target") for c in
                 driver.find_elements("css selector", "#targets article[data-target]")}
        assert shown == {t for (t,) in published.query(  # open or withheld, every waste target
            "SELECT target_id FROM marts.mart_target_progress WHERE domain = 'waste' "
            "AND region_code = '511900'")}

        # counties: a rate is ranked with the city as reference; a city total shows shares only
        Select(driver.find_element("id", "county-target")).select_by_value("T61")
        Select(driver.find_element("id", "region-filter")).select_by_value("511923")
        rows = driver.find_elements("css selector", "#county-table tr[data-scorecard]")
        assert len(rows) == 5 and rows[0].text.startswith("1 / 5")
        assert driver.find_element("css selector", '#county-table tr[aria-current="true"]').get_attribute(
            "data-scorecard") == "511923"
        assert driver.find_elements("css selector", "#county-chart svg")
        Select(driver.find_element("id", "county-target")).select_by_value("T11")
        table = driver.find_element("id", "county-table")
        assert "占全市" in table.text and not table.find_elements("css selector", ".status")
        # the map of the counties, coloured by the chosen target, its values said in words too
        assert driver.find_elements("css selector", "#county-map[data-rendered] svg path")
        assert "通江县" in driver.find_element("id", "county-map").get_attribute("aria-label")

        assert_accessible(driver)
        # the A4 print view leaves the filters out
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert not driver.find_element("id", "domain-filter").is_displayed()
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()


def assert_accessible(driver) -> None:
    """WCAG 2.1 AA: axe-core finds no serious or critical violation on the page."""
    import vendor

    driver.execute_script(vendor.npm_file("axe-core", "axe.min.js").read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})"
        ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length])))")
    assert [v for v in violations if v[1] in {"serious", "critical"}] == []


@needs_chromium
def test_the_shared_dashboard_shows_all_65_targets_and_each_county_has_its_page(published):
    shared = tier_dir(published, "shared") / "dashboard"
    city = dict(published.query("SELECT target_id, status FROM marts.mart_target_progress "
                                "WHERE region_code = '511900'"))
    tongjiang = {t for (t,) in published.query(
        "SELECT target_id FROM marts.mart_county_scorecard WHERE region_code = '511921'")}
    [(forest_county, forest_city)] = published.query(  # T06 森林覆盖率: 通江县's and the city's
        "SELECT latest_value, city_latest_value FROM marts.mart_county_scorecard "
        "WHERE region_code = '511921' AND target_id = 'T06'")
    [(energy,)] = published.query(  # the inventory's latest complete year, energy sector
        "SELECT round(sum(emission_t_co2e)) FROM marts.mart_ghg_inventory WHERE region_code = '511900' "
        "AND sector_code = 'energy' AND year = (SELECT max(year) FROM marts.mart_ghg_inventory)")
    driver = chromium()
    try:
        for width, height in [(1440, 900), (390, 844)]:
            driver.set_window_size(width, height)
            driver.get((shared / "index.html").as_uri())
            # the GHG inventory: a stacked chart of its sectors and the latest year's table
            assert driver.find_elements("css selector", "#inventory-chart[data-rendered] svg")
            sectors = driver.find_elements("css selector", "#inventory-table tr[data-sector]")
            assert len(sectors) == 5
            assert f"{energy:,.0f}" in driver.find_element(
                "css selector", '#inventory-table tr[data-sector="energy"]').text
            cards = driver.find_elements("css selector", "#targets article[data-target]")
            # every target with its values and chart: the shared tier holds all 65
            assert {c.get_attribute("data-target"): c.get_attribute("data-status") for c in cards} == city
            assert len(city) == 65
            assert len(driver.find_elements("css selector", "#targets .chart[data-rendered] svg")) == 65
            assert driver.find_element("id", "shared-banner").is_displayed()
            pages = driver.find_elements("css selector", "#county-pages a[data-county-page]")
            assert len(pages) == 5
            assert driver.execute_script("return document.documentElement.scrollWidth") <= width
            assert_accessible(driver)

            # a county's page: every target it has, beside the city, a chart each
            driver.get((shared / "county" / "511921.html").as_uri())
            assert driver.find_element("id", "title").text.startswith("通江县")
            rows = driver.find_elements("css selector", "#county-summary tr[data-county-target]")
            assert {r.get_attribute("data-county-target") for r in rows} == tongjiang
            charts = driver.find_elements("css selector", "#county-cards .chart[data-rendered] svg")
            assert len(charts) == len(rows)
            forest = driver.find_element("css selector", '#county-summary [data-county-target="T06"]').text
            assert f"{forest_city:.2f}%" in forest and f"{forest_county:.2f}%" in forest
            assert not driver.find_element("id", "overview-h").is_displayed()
            assert driver.execute_script("return document.documentElement.scrollWidth") <= width
            assert_accessible(driver)
            ARTIFACTS.mkdir(exist_ok=True)
            driver.save_screenshot(str(ARTIFACTS / f"county-511921-{width}.png"))
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        driver.quit()


def test_a_run_that_changed_nothing_rewrites_no_published_file_and_a_change_is_a_release(
        pipeline, monkeypatch):
    import dagster as dg

    files = [f"{tier}/{f}" for tier in TIERS for f in [
        "bazhong.duckdb", "datapackage.json", "catalogue.xlsx", "csv/mart_carbon.csv",
        "parquet/mart_carbon.parquet", "sdmx/fct_indicator_observation.csv", "dashboard/index.html",
        "dashboard/county/511921.html"]]
    publish_dir = pipeline.settings.publish_dir
    selection = dg.AssetSelection.assets(*[dg.AssetKey(["published", name]) for name in
                                           ("marts_snapshot", "exports", "catalog", "dashboard", "browse",
                                            "docs", "release")])
    # the tiers as they are now are a release (another test wrote a snapshot of the session's)
    cut_release(publish_dir, "before this test", keep=5)
    first_release = current_version(publish_dir)
    # the dbt docs page is made of the project, not the data: neither run below rewrites it
    docs_page = publish_dir / "dbt_docs" / "index.html"
    docs_written = docs_page.stat().st_mtime_ns

    def written() -> dict[str, int]:
        return {f: (publish_dir / f).stat().st_mtime_ns for f in files}

    # a data folder from before the tiers: its top-level files held conditional data
    (publish_dir / "catalog.json").write_text("{}", encoding="utf-8")
    (publish_dir / "csv").mkdir()
    (publish_dir / "csv" / "mart_carbon.csv").write_text("co2_emissions_t\r\n1\r\n", encoding="utf-8")
    before = written()
    assert pipeline.run_selection(selection).success
    assert written() == before
    assert not (publish_dir / "catalog.json").exists() and not (publish_dir / "csv").exists()
    assert first_release and versions(publish_dir)[-1] == first_release  # nothing changed: no release
    # one value of one mart and one revised indicator value change: everything made from the
    # snapshot is written again, and it is a release whose notes name the value
    with duckdb.connect(str(pipeline.settings.warehouse_path)) as con:
        con.execute("UPDATE marts.mart_carbon SET energy_consumption_tce = energy_consumption_tce + 1 "
                    "WHERE year = 2024")
        con.execute("UPDATE marts.fct_indicator_observation SET obs_value = 12.5, obs_status = 'R' "
                    "WHERE indicator_code = 'forest_coverage_rate' AND ref_area = '511900' "
                    "AND time_period = '2024'")
    result = pipeline.run_selection(selection)
    assert result.success
    assert all(written()[f] != before[f] for f in files)
    assert docs_page.stat().st_mtime_ns == docs_written
    second = current_version(publish_dir)
    assert versions(publish_dir)[-2:] == [first_release, second]
    notes = (releases_dir(publish_dir) / second / NOTES).read_text(encoding="utf-8")
    for tier in TIERS:
        assert f"## {tier} tier" in notes
    assert "| mart_carbon | 12 | 0 | 1 | 0 |" in notes
    assert "| forest_coverage_rate | 511900 | 2024 | A |" in notes and "| 12.5 | % | R 修订 |" in notes
    assert f"changes against release {first_release}" in notes

    # rolled back: the tiers are the first release's again, file for file
    monkeypatch.setenv("BAZHONG_DATA_DIR", str(pipeline.settings.data_dir))
    assert orchestration_cli(["rollback"]) == 0
    assert current_version(publish_dir) == first_release
    assert tier_checksums(publish_dir) == read_sums(releases_dir(publish_dir) / first_release)


@pytest.mark.parametrize("tier", TIERS)
def test_every_table_and_column_of_the_snapshot_carries_its_description(published, tier):
    docs = table_docs(dbt_project.manifest_path)
    with duckdb.connect(str(tier_dir(published, tier) / SNAPSHOT_NAME), read_only=True) as con:
        tables = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
        columns = {(t, c): comment for t, c, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal").fetchall()}
    assert tables and all(tables[t] == docs[t].table_comment() for t in tables)
    undocumented = sorted(key for key, comment in columns.items() if not comment)
    assert undocumented == []  # BI tools show each column's meaning
    assert all(comment == docs[t].comment(c) for (t, c), comment in columns.items())
    # Chinese first: every column's comment starts with its Chinese name, unique in its table,
    # which is also its Table Schema title and its header in the XLSX that pandas reads
    chinese = re.compile(r"^[^：。]*[\u4e00-\u9fff]")  # a Chinese character before the first ：
    assert all(chinese.match(comment) for comment in columns.values())
    package = json.loads((tier_dir(published, tier) / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        titles = [f.get("title", "") for f in resource["schema"]["fields"]]
        assert all(chinese.match(t) for t in titles) and len(set(titles)) == len(titles), resource["name"]
        frame = pd.read_excel(tier_dir(published, tier) / "xlsx" / f"{resource['name']}.xlsx",
                              sheet_name="数据")
        assert list(frame.columns) == titles, resource["name"]
