"""(s) of `make bench ENGINE=spark`: step (b)'s transformation, the air path's dbt models, on the
local standalone Spark cluster (orchestration/spark_cluster.py, started and stopped by
bench/run.py, whose start is Spark's fixed cost) and, for the same work beside it, on DuckDB.

    python -m bench.spark --work W --thrift-port P

Reads the warehouse and the raw Parquet files the pipeline landed in W/data (after (d): every
month). Spark registers the air feed's files as its raw table and gets the reference tables the
air models join (the seeds, with the generated stations (b)'s set-up appended); then both
engines build the air models from scratch (`dbt run --full-refresh`), timed. The two engines'
marts are compared on every column. One JSON line: seconds per engine, rows read, marts_equal."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.spark_cluster import SparkCluster

# the air marts with every model and seed they read (seed: the seeds; run: the models)
SELECTION = "+mart_air_quality +mart_air_quality_daily"
MARTS = {"mart_air_quality_daily": ["region_code", "day"], "mart_air_quality": ["region_code", "year"]}


def dbt(args: list[str], settings: Settings, target: str, variables: dict[str, str], work: Path) -> float:
    """One dbt command on `target`; its wall time in seconds."""
    started = time.monotonic()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", ".", "--target", target,
         "--vars", json.dumps(settings.dbt_vars() | variables),
         "--target-path", str(work / f"target-{target}"), "--log-path", str(work / "logs")],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"dbt {' '.join(args)} on {target} failed:\n{done.stdout[-4000:]}")
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.spark", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--cluster", type=Path, required=True, help="the local cluster's folder")
    parser.add_argument("--thrift-port", type=int, required=True)
    args = parser.parse_args(argv)
    from pyhive import hive  # the Spark tier only

    settings = Settings(data_dir=args.work / "data")
    cluster = SparkCluster(args.cluster, "", args.thrift_port)
    spark = cluster.dbt_vars()
    started = time.monotonic()
    say = lambda text: print(f"  {text}", file=sys.stderr, flush=True)  # noqa: E731
    only_air = json.dumps({"datasets": ["air_hourly_readings"]})
    dbt(["run-operation", "register_raw_parquet", "--args", only_air], settings, "spark_thrift", spark,
        args.work)
    dbt(["seed", "--select", SELECTION], settings, "spark_thrift", spark, args.work)
    stations = args.work / "stations.parquet"  # the seed and the generated stations, as (b) has them
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        con.execute(f"COPY reference.monitoring_stations TO '{stations}' (FORMAT parquet)")
        rows = con.execute("SELECT count(*) FROM raw.air_hourly_readings").fetchall()[0][0]
    with hive.connect("127.0.0.1", port=args.thrift_port) as server:
        cursor = server.cursor()
        cursor.execute("DESCRIBE reference.monitoring_stations")
        columns = [r[0] for r in cursor.fetchall() if r[0] and not r[0].startswith("#")]
        cursor.execute(f"INSERT OVERWRITE TABLE reference.monitoring_stations SELECT {', '.join(columns)} "
                       f"FROM parquet.`{stations}`")
    prepared = time.monotonic() - started
    say(f"spark: raw table registered and reference tables seeded in {prepared:.1f} s")
    seconds = {}
    for target, variables in (("spark_thrift", spark), ("local", {})):
        seconds[target] = dbt(["run", "--full-refresh", "--select", SELECTION], settings, target, variables,
                              args.work)
        say(f"{target}: the air models over {rows:,} readings in {seconds[target]:.1f} s")
    differing = cluster.marts_differing(settings.warehouse_path, MARTS)
    print(json.dumps({"seconds": round(time.monotonic() - started, 2), "rows": rows,
                      "prepare_s": round(prepared, 2), "spark_s": round(seconds["spark_thrift"], 2),
                      "duckdb_s": round(seconds["local"], 2), "marts_equal": not differing,
                      "marts_differing": differing, "marts": sorted(MARTS)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
