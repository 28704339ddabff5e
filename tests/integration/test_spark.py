"""The hourly paths on a real Spark cluster: a standalone master, two workers and a Thrift
server on 127.0.0.1, started from the pyspark wheel (orchestration/spark_cluster.py); dbt's
`spark_thrift` target builds the `spark` selector through the Thrift server over the Parquet
files the hourly paths landed (data/raw/), which DuckDB reads too. Every column of the
published hourly marts must equal the DuckDB run's, and again after a revised month built
incrementally on both. `make test` installs Java 17 and the Spark tier (`make spark`).

It needs only the hourly paths, so it runs them alone (`hourly`), not the whole graph: its
process then never builds the session's whole run, which the other process builds once for
every test that reads it (tests/conftest.py)."""

import contextlib
import csv
import importlib.util
import io
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion import FetchedFile, load_catalog, point_views
from ingestion.catalog import SAMPLE_DATA_DIR
from ingestion.rules import lit, normalize_name, normalized_sql
from orchestration.settings import DBT_PROJECT_DIR, Settings
from tests.helpers import land
from tests.integration.pipeline import pipeline_at

# the published marts of the hourly paths → the columns that make their row
MARTS = {
    "mart_air_quality_daily": ["region_code", "day"],
    "mart_air_quality": ["region_code", "year"],
    "mart_drinking_water_auto_monitoring": ["station_code", "day"],
    "mart_drinking_water_auto_monitoring_annual": ["station_code", "year"],
    "mart_drinking_water_exceedance_events": ["station_code", "parameter", "started_at"],
    "mart_ghg_station": ["station_code", "gas", "period"],
}


@pytest.fixture(scope="module")
def hourly(tmp_path_factory):
    """The hourly paths alone, as the whole run lands and builds them: their Parquet-stored
    datasets fetched over HTTP from the sample portal, and every asset up to the six marts
    on DuckDB (seeds, staging, intermediate models). Without the checks: dbt's relationship
    tests reach tables of the whole graph, and the checks are the whole run's tests' to prove."""
    root = tmp_path_factory.mktemp("hourly")
    shutil.copytree(SAMPLE_DATA_DIR, root / "portal")
    with pipeline_at(root) as p:
        marts = dg.AssetSelection.assets(*[dg.AssetKey(["marts", m]) for m in MARTS])
        golden = dg.AssetSelection.assets(dg.AssetKey(["reference", "golden_row_counts"]))
        result = p.run_selection((marts.upstream() | golden).without_checks())
        assert result.success
        yield p


def dbt(args: list[str], tmp_path: Path, target: str, variables: dict[str, str] | None = None) -> str:
    settings = Settings(data_dir=tmp_path / "data")  # the warehouse and raw files both engines read
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", ".", "--target", target,
         "--vars", json.dumps(settings.dbt_vars() | (variables or {})),
         "--target-path", str(tmp_path / f"target-{target}"), "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    return done.stdout


def revised_march() -> FetchedFile:
    """The department re-issues a month: every PM2.5 reading of one station + 7 ug/m3."""
    name = "BZ0001A_202503.csv"
    rows = list(csv.reader(io.StringIO((SAMPLE_DATA_DIR / "air" / "hourly" / name).read_text("utf-8"))))
    pm25 = rows[0].index("PM2.5(μg/m³)")
    for row in rows[1:]:
        with contextlib.suppress(ValueError):  # a missing reading stays missing
            row[pm25] = str(float(row[pm25]) + 7)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return FetchedFile(f"http://portal/air/hourly/{name}", text.getvalue().encode(), datetime.now(UTC))


MARCH = "region_code = '511902' AND day BETWEEN DATE '2025-03-01' AND DATE '2025-03-31'"
# names as departments write them: normalize_name on Spark must read them as Python does
NAMES = ["巴州 区", "ＡＢ＼＇（１２３）", "٣٫٥ t", "a\u3000b\tc", "x'y\\z"]


def test_the_hourly_marts_on_a_spark_cluster_equal_duckdb_s_on_every_column(hourly, tmp_path):
    if not (shutil.which("java") and importlib.util.find_spec("pyspark")):
        pytest.skip("no Java or pyspark: `make spark` installs Java 17 and the Spark tier")
    from pyhive import hive

    from orchestration.spark_cluster import local_cluster

    data = tmp_path / "data"  # DuckDB's side, revised below: a copy of the run's warehouse and files
    data.mkdir()
    shutil.copyfile(hourly.settings.warehouse_path, data / "warehouse.duckdb")
    shutil.copytree(hourly.settings.raw_dir, data / "raw")
    warehouse = data / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        point_views(con)  # the copy's views read the copy's files
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
        registered = dbt(["run-operation", "register_raw_parquet"], tmp_path, "spark_thrift", spark)
        assert registered.count("registered raw.") == 4, registered  # the Parquet-stored datasets
        out = dbt(["build", "--selector", "spark"], tmp_path, "spark_thrift", spark)
        assert "PASS=21 " in out, out[-2000:]  # 6 seeds and 15 models, among them the six marts
        assert cluster.marts_differing(warehouse, MARTS) == {}

        # a revised month, incrementally on both: DuckDB replaces its keys, Spark its partitions
        with duckdb.connect(str(warehouse)) as con:
            before = con.execute(f"SELECT sum(pm25_24h_ugm3) FROM marts.mart_air_quality_daily "
                                 f"WHERE {MARCH}").fetchone()[0]
            landed = land(con, load_catalog()["air_hourly_readings"], revised_march(), data / "archive")
        assert landed.rows_landed == 31 * 24  # a new vintage, as a file of its own in month=2025-03
        with hive.connect("127.0.0.1", port=cluster.thrift_port) as server:
            server.cursor().execute("REFRESH TABLE raw.air_hourly_readings")  # its cached file listing
        air = ["--select", "stg_air__hourly_readings+,+mart_air_quality "
                           "stg_air__hourly_readings+,+mart_air_quality_daily", "--resource-type", "model"]
        dbt(["build", *air], tmp_path, "local")
        dbt(["build", *air], tmp_path, "spark_thrift", spark)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            after = con.execute(f"SELECT sum(pm25_24h_ugm3) FROM marts.mart_air_quality_daily "
                                f"WHERE {MARCH}").fetchone()[0]
        assert after > before  # the revision reached the marts
        assert cluster.marts_differing(warehouse, MARTS) == {}
        pids = dict(cluster.pids)
    for name, pid in pids.items():  # stopped by their ids when the block ended
        assert not Path(f"/proc/{pid}").exists(), f"Spark {name} (pid {pid}) still running"
