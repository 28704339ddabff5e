"""The hourly air feed by monthly partition: a run for a month fetches that month's files only,
and the incremental models recompute only the months that received new rows, the latest
vintage winning."""

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb

from ingestion import load_catalog
from orchestration.definitions import execute_selection
from orchestration.settings import DBT_PROJECT_DIR

AIR = load_catalog()["air_hourly_readings"]
DAILY = dg.AssetKey(["marts", "mart_air_quality_daily"])
AIR_PATH = [dg.AssetKey(["raw", AIR.id]), dg.AssetKey(["staging", "stg_air__hourly_readings"]),
            dg.AssetKey(["intermediate", "int_air__station_daily"]), DAILY]


def run_months(pipeline, first: str, last: str) -> dg.ExecuteInProcessResult:
    """The air path (with the seeds and dimensions it reads) for a range of months: one run,
    with the checks of the air assets."""
    golden = dg.AssetSelection.assets(dg.AssetKey(["reference", "golden_row_counts"]))  # a test reads it
    assets = dg.AssetSelection.assets(DAILY).upstream() | golden
    return execute_selection(pipeline.defs, assets, pipeline.instance,
                             checks=dg.AssetSelection.assets(*AIR_PATH), months=(first, last))


def test_a_file_s_month_comes_from_its_name():
    assert AIR.month_of("BZ0001A_202512.csv") == "2025-12"
    assert AIR.month_of("month=2016-03/data_0.csv") == "2016-03"
    assert AIR.month_of("stations.csv") is None


def test_a_month_at_a_time_and_a_revision_recomputes_its_month_only(pipeline):
    assert run_months(pipeline, "2025-11", "2025-12").success
    files = pipeline.query("SELECT regexp_extract(source_uri, '[^/]+$') FROM raw.load_log ORDER BY 1")
    assert [f for (f,) in files] == [f"BZ000{s}A_2025{m}.csv" for s in (1, 2, 3) for m in (11, 12)]
    daily = "SELECT station_code, day, pm25_24h_ugm3, loaded_through FROM intermediate.int_air__station_daily"
    before = {(s, d): (v, t) for s, d, v, t in pipeline.query(daily)}
    assert {d.month for _, d in before} == {11, 12}  # 00:00 on 1 Jan (hour ending) is 31 Dec

    # the department re-sends one December file with the first day's PM2.5 doubled
    path = pipeline.portal_root / "air" / "hourly" / "BZ0002A_202512.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i in range(1, 25):
        cells = lines[i].split(",")
        cells[3] = str(int(cells[3]) * 2)
        lines[i] = ",".join(cells)
    pipeline.publish("air/hourly/BZ0002A_202512.csv", ("\n".join(lines) + "\n").encode("utf-8"))

    assert run_months(pipeline, "2025-12", "2025-12").success
    assert pipeline.query("SELECT count(*) FROM raw.load_log") == [(7,)]
    after = {(s, d): (v, t) for s, d, v, t in pipeline.query(daily)}
    assert after.keys() == before.keys()
    changed = {k for k in after if after[k] != before[k]}
    # the revised station's December days change; November is untouched
    assert {s for s, _ in changed} == {"BZ0002A"} and {d.month for _, d in changed} == {12}
    assert all(after[k] == before[k] for k in after if k[1].month == 11)
    first_day = [(s, d) for s, d in after if s == "BZ0002A" and d.isoformat() == "2025-12-01"]
    (key,) = first_day
    assert after[key][0] == 2 * before[key][0] or abs(after[key][0] - 2 * before[key][0]) <= 1
    # the staging model keeps the new vintage and says the station-hour was revised
    assert pipeline.query("SELECT count(*) FROM staging.stg_air__hourly_readings "
                          "WHERE station_code = 'BZ0002A' AND vintage_count = 2") == [(744,)]

    # the model's dbt tests check the rows of its latest write (December), not the history
    warehouse = str(pipeline.settings.warehouse_path)
    dbt = [str(Path(sys.executable).parent / "dbt"), "test", "--select", "stg_air__hourly_readings",
           "--profiles-dir", ".", "--vars", json.dumps({"warehouse_path": warehouse})]
    negative_pm25 = ("UPDATE staging.stg_air__hourly_readings SET pm25_ugm3 = -1 "
                     "WHERE station_code = 'BZ0001A' AND reading_month = ?")
    with duckdb.connect(warehouse) as con:
        con.execute(negative_pm25, ["2025-11-01"])  # November was tested when it was written
    passed = subprocess.run(dbt, cwd=DBT_PROJECT_DIR, capture_output=True, text=True)
    assert passed.returncode == 0
    # and dbt reused the parse the last run kept (same warehouse, so same vars and profile)
    assert "Unable to do partial parsing" not in passed.stdout
    with duckdb.connect(warehouse) as con:
        con.execute(negative_pm25, ["2025-12-01"])
    failed = subprocess.run(dbt, cwd=DBT_PROJECT_DIR, capture_output=True, text=True)
    assert failed.returncode == 1 and "between_stg_air__hourly_readings_pm25_ugm3__0" in failed.stdout
