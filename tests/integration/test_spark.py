"""The hourly paths on a real Spark cluster: a standalone master, two workers and a Thrift
server on 127.0.0.1, started from the pyspark wheel (orchestration/spark_cluster.py); dbt's
`spark_thrift` target builds the `spark` selector through the Thrift server over the session
run's raw readings, registered as Spark's raw tables. Every column of the published hourly
marts must equal the DuckDB run's, and again after a revised month built incrementally on
both. `make test` installs Java 17 and the Spark tier (`make spark`)."""

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion.rules import lit, normalize_name, normalized_sql
from orchestration.settings import DBT_PROJECT_DIR, Settings

# the published marts of the hourly paths → the columns that make their row
MARTS = {
    "mart_air_quality_daily": ["region_code", "day"],
    "mart_air_quality": ["region_code", "year"],
    "mart_drinking_water_auto_monitoring": ["station_code", "day"],
    "mart_drinking_water_auto_monitoring_annual": ["station_code", "year"],
    "mart_drinking_water_exceedance_events": ["station_code", "parameter", "started_at"],
    "mart_ghg_station": ["station_code", "gas", "period"],
}
# the raw datasets the `spark` selector reads
RAW = ["air_hourly_readings", "water_auto_monitoring_readings", "water_drinking_sources",
       "ghg_station_hourly"]
INTEGERS = {"INTEGER", "BIGINT", "HUGEINT"}  # one kind: Spark has no HUGEINT, DuckDB's year() is BIGINT


def dbt(args: list[str], tmp_path: Path, target: str, variables: dict[str, str]) -> str:
    settings = Settings(data_dir=tmp_path / "data")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", ".", "--target", target,
         "--vars", json.dumps(settings.dbt_vars() | variables),
         "--target-path", str(tmp_path / f"target-{target}"), "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    return done.stdout


def marts_differing(warehouse: Path, spark_warehouse: Path) -> dict[str, dict[str, int]]:
    """mart → column → rows where Spark's table differs from DuckDB's (rows present in one only
    count in every column); asserts both have the same columns, kinds of type and rows."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS duck (READ_ONLY)")
    found = {}
    for mart, key in MARTS.items():
        spark = f"read_parquet('{spark_warehouse}/marts.db/{mart}/*.parquet')"
        kinds = [[(name, "integer" if kind in INTEGERS else kind) for name, kind, *_ in
                  con.execute(f"DESCRIBE {relation}").fetchall()]
                 for relation in (f"duck.marts.{mart}", f"SELECT * FROM {spark}")]
        assert kinds[0] == kinds[1], mart
        rows = con.execute(f"SELECT count(*) FROM duck.marts.{mart}").fetchone()[0]
        assert rows > 0 and con.execute(f"SELECT count(*) FROM {spark}").fetchone()[0] == rows, mart
        found[mart] = {c: n for c, _ in kinds[0] if (n := con.execute(
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
# names as departments write them: normalize_name on Spark must read them as Python does
NAMES = ["巴州 区", "ＡＢ＼＇（１２３）", "٣٫٥ t", "a\u3000b\tc", "x'y\\z"]


def test_the_hourly_marts_on_a_spark_cluster_equal_duckdb_s_on_every_column(published, tmp_path):
    if not (shutil.which("java") and importlib.util.find_spec("pyspark")):
        pytest.skip("no Java or pyspark: `make spark` installs Java 17 and the Spark tier")
    from pyhive import hive

    from orchestration.spark_cluster import local_cluster

    raw = tmp_path / "raw"
    warehouse = tmp_path / "warehouse.duckdb"  # DuckDB's side, revised below
    shutil.copyfile(published.settings.warehouse_path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        for dataset in RAW:
            (raw / dataset).mkdir(parents=True)
            con.execute(f"COPY (SELECT * FROM raw.{dataset}) TO '{raw / dataset}/part-0.parquet' "
                        "(FORMAT parquet)")
        received = con.execute("SELECT count(*) FROM raw.air_hourly_readings").fetchone()[0]
    assert received > 50_000  # the sample's three stations, two years

    with local_cluster(tmp_path / "cluster", workers=2) as cluster:
        with hive.connect("127.0.0.1", port=cluster.thrift_port) as server:
            cursor = server.cursor()
            cursor.execute("SET spark.sql.ansi.enabled")
            assert cursor.fetchall() == [("spark.sql.ansi.enabled", "true")]  # Spark 4's default
            # No bound parameters: pyhive %-formats the statement, and the rule's SQL holds '%'.
            names = ", ".join(f"{lit(n, 'spark')} AS x{i}" for i, n in enumerate(NAMES))
            cursor.execute("SELECT " + ", ".join(normalized_sql(f"x{i}", "spark") for i in range(len(NAMES)))
                           + f" FROM (SELECT {names})")
            assert list(cursor.fetchone()) == [normalize_name(n) for n in NAMES]
        spark = cluster.dbt_vars()
        dbt(["run-operation", "register_raw_parquet", "--args",
             json.dumps({"datasets": {d: str(raw / d) for d in RAW}})], tmp_path, "spark_thrift", spark)
        out = dbt(["build", "--selector", "spark"], tmp_path, "spark_thrift", spark)
        assert "PASS=21 " in out, out[-2000:]  # 6 seeds and 15 models, among them the six marts
        assert marts_differing(warehouse, cluster.warehouse_dir) == {}

        # a revised month, incrementally on both: DuckDB replaces its keys, Spark its partitions
        with duckdb.connect(str(warehouse)) as con:
            before = con.execute(f"SELECT sum(pm25_24h_ugm3) FROM marts.mart_air_quality_daily "
                                 f"WHERE {MARCH}").fetchone()[0]
            con.execute(f"COPY ({REVISED}) TO '{raw}/air_hourly_readings/part-1.parquet' (FORMAT parquet)")
            con.execute(f"INSERT INTO raw.air_hourly_readings {REVISED}")
        air = ["--select", "stg_air__hourly_readings+,+mart_air_quality "
                           "stg_air__hourly_readings+,+mart_air_quality_daily", "--resource-type", "model"]
        dbt(["build", *air], tmp_path, "local", {"warehouse_path": str(warehouse)})
        dbt(["build", *air], tmp_path, "spark_thrift", spark)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            after = con.execute(f"SELECT sum(pm25_24h_ugm3) FROM marts.mart_air_quality_daily "
                                f"WHERE {MARCH}").fetchone()[0]
        assert after > before  # the revision reached the marts
        assert marts_differing(warehouse, cluster.warehouse_dir) == {}
        pids = dict(cluster.pids)
    for name, pid in pids.items():  # stopped by their ids when the block ended
        assert not Path(f"/proc/{pid}").exists(), f"Spark {name} (pid {pid}) still running"
