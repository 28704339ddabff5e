"""The hourly air feed by monthly partition: a run for a month fetches that month's files only,
and the incremental models recompute only the months that received new rows, the latest
vintage winning."""

import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb

from ingestion import load_catalog
from orchestration.settings import DBT_PROJECT_DIR

AIR = load_catalog()["air_hourly_readings"]
AIR_PATH = [dg.AssetKey(["raw", AIR.id]), dg.AssetKey(["staging", "stg_air__hourly_readings"]),
            dg.AssetKey(["intermediate", "int_air__station_daily"]),
            dg.AssetKey(["intermediate", "int_air__region_daily"]),
            dg.AssetKey(["marts", "mart_air_quality_daily"])]
DAILY = "SELECT station_code, day, pm25_24h_ugm3, loaded_through FROM intermediate.int_air__station_daily"


def test_a_revised_month_is_fetched_and_recomputed_alone(pipeline):
    before = {(s, d): (v, t) for s, d, v, t in pipeline.query(DAILY)}
    loads = pipeline.query("SELECT count(*) FROM raw.load_log")[0][0]

    # the department re-sends one December file with the first day's PM2.5 doubled
    path = pipeline.portal_root / "air" / "hourly" / "BZ0002A_202512.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i in range(1, 25):
        cells = lines[i].split(",")
        cells[3] = str(int(cells[3]) * 2)
        lines[i] = ",".join(cells)
    doubled = {lines[i].split(",")[2] for i in range(1, 25) if int(lines[i].split(",")[3]) != 0}
    pipeline.publish("air/hourly/BZ0002A_202512.csv", ("\n".join(lines) + "\n").encode("utf-8"))

    # one run for the December partition, as a backfill of it runs
    result = pipeline.run_selection(dg.AssetSelection.assets(*AIR_PATH), months=("2025-12", "2025-12"))
    assert result.success
    raw = next(e.materialization.metadata for e in result.get_asset_materialization_events()
               if e.asset_key == AIR_PATH[0])
    assert raw["files_fetched"].value == 3 and raw["loads_landed"].value == 1  # December's files only
    assert pipeline.query("SELECT count(*) FROM raw.load_log")[0][0] == loads + 1

    after = {(s, d): (v, t) for s, d, v, t in pipeline.query(DAILY)}
    assert after.keys() == before.keys()
    changed = {k for k in after if after[k] != before[k]}
    # the revised station's December days change (loaded_through moves on); nothing else does
    assert {s for s, _ in changed} == {"BZ0002A"} and {(d.year, d.month) for _, d in changed} == {(2025, 12)}
    (key,) = [(s, d) for s, d in after if s == "BZ0002A" and d.isoformat() == "2025-12-01"]
    assert abs(after[key][0] - 2 * before[key][0]) <= 1
    # the staging model keeps the new vintage and says which station-hours were revised: those
    # whose value changed, not the month's other 720 hours the file repeats unchanged
    revised = pipeline.query("SELECT strftime(hour_ending, '%Y-%m-%d %H:%M') FROM "
                             "staging.stg_air__hourly_readings WHERE station_code = 'BZ0002A' AND revised")
    assert {hour for hour, in revised} == doubled and len(doubled) > 20

    # the model's dbt tests check the rows of its latest write (December), not the history
    warehouse = str(pipeline.settings.warehouse_path)
    dbt = [str(Path(sys.executable).parent / "dbt"), "test", "--select", "stg_air__hourly_readings",
           "--profiles-dir", ".", *pipeline.settings.dbt_vars_arg()]
    negative_pm25 = ("UPDATE staging.stg_air__hourly_readings SET pm25_ugm3 = -1 "
                     "WHERE station_code = 'BZ0001A' AND reading_month = ?")
    with duckdb.connect(warehouse) as con:
        con.execute(negative_pm25, ["2025-11-01"])  # November was tested when it was written
    passed = subprocess.run(dbt, cwd=DBT_PROJECT_DIR, capture_output=True, text=True)
    assert passed.returncode == 0, passed.stdout[-3000:]
    # and dbt reused the parse the last run kept (same warehouse, so same vars and profile)
    assert "Unable to do partial parsing" not in passed.stdout
    with duckdb.connect(warehouse) as con:
        con.execute(negative_pm25, ["2025-12-01"])
    failed = subprocess.run(dbt, cwd=DBT_PROJECT_DIR, capture_output=True, text=True)
    assert failed.returncode == 1 and "between_stg_air__hourly_readings_pm25_ugm3__0" in failed.stdout
