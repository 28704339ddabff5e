"""The hourly air path on Apache Spark: the same dbt models (target `spark`, dbt-spark's session
method on local[2], selector `spark`) over the session run's raw readings, exported to Parquet
and registered as Spark's raw table; every column of the daily and annual air marts must equal
the DuckDB run's, and again after a revised month built incrementally on both. `make test`
installs Java 17 and the Spark tier (`make spark`)."""

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR, Settings

# mart → the columns that make its row
MARTS = {"mart_air_quality_daily": ["region_code", "day"], "mart_air_quality": ["region_code", "year"]}


def dbt(args: list[str], tmp_path: Path, target: str = "spark", warehouse: Path | None = None) -> str:
    """dbt against `target` as the settings configure it: Spark's tables and metastore under
    tmp_path, DuckDB's warehouse at `warehouse`."""
    settings = Settings(data_dir=tmp_path / "data", spark_dir=tmp_path / "spark")
    variables = settings.dbt_vars() | ({"warehouse_path": str(warehouse)} if warehouse else {})
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", ".", "--target", target,
         "--vars", json.dumps(variables), "--target-path", str(tmp_path / f"target-{target}"),
         "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    return done.stdout


def marts_differing(warehouse: Path, spark_dir: Path) -> dict[str, dict[str, int]]:
    """mart → column → rows where the Spark table differs from the DuckDB one (rows present in
    one only count in every column); asserts both have the same columns and rows."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS duck (READ_ONLY)")
    found = {}
    for mart, key in MARTS.items():
        spark = f"read_parquet('{spark_dir}/warehouse/marts.db/{mart}/*.parquet')"
        columns = [r[0] for r in con.execute(f"DESCRIBE duck.marts.{mart}").fetchall()]
        assert [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {spark}").fetchall()] == columns
        rows = con.execute(f"SELECT count(*) FROM duck.marts.{mart}").fetchone()[0]
        assert rows > 0 and con.execute(f"SELECT count(*) FROM {spark}").fetchone()[0] == rows
        found[mart] = {c: n for c in columns if (n := con.execute(
            f"SELECT count(*) FROM duck.marts.{mart} AS d FULL JOIN {spark} AS s USING ({', '.join(key)}) "
            f"WHERE d.{c} IS DISTINCT FROM s.{c}").fetchone()[0])}
    con.close()
    return {mart: cols for mart, cols in found.items() if cols}


# a month the department revises: every PM2.5 reading of one station + 7 ug/m3, a new vintage
REVISED = ("SELECT * REPLACE (pm25__value + 7 AS pm25__value, 'revision' AS _load_id, "
           "now() AS _fetched_at) FROM raw.air_hourly_readings "
           "WHERE station_code = 'BZ0001A' AND hour__value > TIMESTAMP '2025-03-01 00:00' "
           "AND hour__value <= TIMESTAMP '2025-04-01 00:00' AND pm25__value IS NOT NULL")
MARCH = "region_code = '511902' AND day BETWEEN DATE '2025-03-01' AND DATE '2025-03-31'"


def test_the_hourly_air_marts_on_spark_equal_duckdb_s_on_every_column(published, tmp_path):
    if not (shutil.which("java") and importlib.util.find_spec("pyspark")):
        pytest.skip("no Java or pyspark: `make spark` installs Java 17 and the Spark tier")
    raw = tmp_path / "raw" / "air_hourly_readings"
    raw.mkdir(parents=True)
    warehouse = tmp_path / "warehouse.duckdb"  # DuckDB's side, revised below
    shutil.copyfile(published.settings.warehouse_path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        received = con.execute("SELECT count(*) FROM raw.air_hourly_readings").fetchone()[0]
        con.execute(f"COPY (SELECT * FROM raw.air_hourly_readings) TO '{raw}/part-0.parquet' "
                    "(FORMAT parquet)")
    dbt(["run-operation", "register_raw_parquet", "--args",
                  json.dumps({"dataset": "air_hourly_readings", "path": str(raw)})], tmp_path)
    out = dbt(["build", "--selector", "spark"], tmp_path)
    assert "PASS=9 " in out, out[-2000:]  # 3 seeds and 6 models, among them the two marts
    assert received > 50_000  # the sample's three stations, two years
    assert marts_differing(warehouse, tmp_path / "spark") == {}

    # a revised month, incrementally on both: DuckDB replaces its keys, Spark its partitions
    with duckdb.connect(str(warehouse)) as con:
        before = con.execute(f"SELECT sum(pm25_24h_ugm3) FROM marts.mart_air_quality_daily WHERE {MARCH}"
                             ).fetchone()[0]
        con.execute(f"COPY ({REVISED}) TO '{raw}/part-1.parquet' (FORMAT parquet)")
        con.execute(f"INSERT INTO raw.air_hourly_readings {REVISED}")
    dbt(["build", "--selector", "spark"], tmp_path, target="local", warehouse=warehouse)
    dbt(["build", "--selector", "spark"], tmp_path)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        after = con.execute(f"SELECT sum(pm25_24h_ugm3) FROM marts.mart_air_quality_daily WHERE {MARCH}"
                            ).fetchone()[0]
    assert after > before  # the revision reached the marts
    assert marts_differing(warehouse, tmp_path / "spark") == {}
