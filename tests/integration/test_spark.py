"""The hourly air path on Apache Spark: the same dbt models (target `spark`, dbt-spark's session
method on local[2], selector `spark`) over the session run's raw readings, exported to Parquet
and registered as Spark's raw table; every column of the daily and annual air marts must equal
the DuckDB run's. `make test` installs Java 17 and the Spark tier (`make spark`)."""

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


def dbt_on_spark(args: list[str], tmp_path: Path) -> str:
    """dbt against the `spark` target as the settings configure it, its Spark tables and
    metastore under tmp_path."""
    settings = Settings(data_dir=tmp_path / "data", spark_dir=tmp_path / "spark")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", ".", "--target", "spark",
         *settings.dbt_vars_arg(), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    return done.stdout


def test_the_hourly_air_marts_on_spark_equal_duckdb_s_on_every_column(published, tmp_path):
    if not shutil.which("java"):
        pytest.skip("no Java: `make spark` installs Java 17 and the Spark tier")
    pytest.importorskip("pyspark", reason="`make spark` installs the Spark tier")
    raw = tmp_path / "raw" / "air_hourly_readings"
    raw.mkdir(parents=True)
    with duckdb.connect(str(published.settings.warehouse_path), read_only=True) as con:
        received = con.execute("SELECT count(*) FROM raw.air_hourly_readings").fetchone()[0]
        con.execute(f"COPY (SELECT * FROM raw.air_hourly_readings) TO '{raw}/part-0.parquet' "
                    "(FORMAT parquet)")
    dbt_on_spark(["run-operation", "register_raw_parquet", "--args",
                  json.dumps({"dataset": "air_hourly_readings", "path": str(raw)})], tmp_path)
    out = dbt_on_spark(["build", "--selector", "spark"], tmp_path)
    assert "PASS=9 " in out, out[-2000:]  # 3 seeds and 6 models, among them the two marts

    con = duckdb.connect()
    con.execute(f"ATTACH '{published.settings.warehouse_path}' AS duck (READ_ONLY)")
    for mart, key in MARTS.items():
        spark = f"read_parquet('{tmp_path}/spark/warehouse/marts.db/{mart}/*.parquet')"
        columns = [r[0] for r in con.execute(f"DESCRIBE duck.marts.{mart}").fetchall()]
        assert [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {spark}").fetchall()] == columns
        rows = con.execute(f"SELECT count(*) FROM duck.marts.{mart}").fetchone()[0]
        assert rows > 0 and con.execute(f"SELECT count(*) FROM {spark}").fetchone()[0] == rows
        differing = {c: n for c in columns if (n := con.execute(
            f"SELECT count(*) FROM duck.marts.{mart} AS d FULL JOIN {spark} AS s USING ({', '.join(key)}) "
            f"WHERE d.{c} IS DISTINCT FROM s.{c}").fetchone()[0])}
        assert differing == {}, (mart, differing)
    assert received > 50_000  # the sample's three stations, two years
