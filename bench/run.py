"""`make bench`: the pipeline against plain DuckDB, on the same generated data.

    python -m bench.run                       # 1M rows (114 stations x 1 year), 3 repeats
    python -m bench.run --size 10M --repeat 1
    python -m bench.run --size 10M --repeat 1 --engine spark

Steps, each a whole child process, timed as a user waits for it (start, imports included):
  (a) floor       bench/reference.sql straight from typed Parquet, in memory (bench/limit.py)
  (f) fair limit  the same CSVs by hand in plain DuckDB: read_csv into a persisted raw table
                  (text and typed values), the checks as one aggregate query, the reference
                  SQL into persisted tables: the limit the pipeline is held to
  (g) fair limit with fetch: (f) after fetching the same files from the portal over HTTP with
                  a plain concurrent client (the targets hold b to this one)
  (b) full        the pipeline's air path (fetch over loopback HTTP + land + GX gate + dbt
                  models and tests + mart GX suites) into a new warehouse: one run for the
                  monthly partitions of all months but the last (a backfill of that range)
  (c) add month   the portal lists the last month too: a run for its partition
  (d) no-op       that partition again, with nothing new
(a), (f), (g) read the same months as (b). The portal serves the feed from a process of its
own, as a department's server is another machine. --engine spark adds (s): the air models on a
local standalone Spark cluster beside DuckDB over (d)'s data (bench/spark.py), its marts
compared with DuckDB's, and rows/s per core for each engine. The feed is one CSV per station and month, as the
platform sends it. Per step: the median wall time over --repeat runs (each repeat starts from
an empty warehouse), CPU seconds, the load average after it, and the peak RSS summed over the
processes alive together (the pipeline and its dbt); ratios b/f, b/a, c/b and the gate's
share of (b). (b)'s daily and annual marts are compared with the reference on every column
the reference computes. Written to bench/results/<size>.json and printed as a table.
Data: bench/data/<size> (generated once).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from .generate import SIZES, generate
from .limit import MEMORY_LIMIT, compute, parquet
from .measure import child
from .pipeline import months_of, publish_months

BENCH_DIR = Path(__file__).resolve().parent
# the targets; b over the fair limit (with fetch: g): <= 1.5 at 100M, <= 2 at 10M (and smaller)
TARGETS = {"b_over_fair_limit": {"100M": 1.5, "10M": 2.0}, "c_over_b": 0.05, "noop_s": 10.0,
           "peak_rss_mb_total": 4096, "gate_share_of_b": 0.10}
STEPS = {"a": "floor: reference SQL on Parquet", "f": "fair limit: CSV by hand",
         "g": "fair limit with fetch: HTTP + (f)",
         "b": "pipeline, full", "c": "pipeline, add a month", "d": "pipeline, no-op"}
GATE_STEP = "raw__air_hourly_readings_gx_raw_suite"


DAILY = {"pm25_24h": "pm25_24h_ugm3", "pm10_24h": "pm10_24h_ugm3", "so2_24h": "so2_24h_ugm3",
         "no2_24h": "no2_24h_ugm3", "co_24h": "co_24h_mgm3", "o3_1h": "o3_1h_max_ugm3",
         "o3_8h": "o3_mda8_ugm3", "aqi": "aqi"}
ANNUAL = {"aqi_valid_days": "aqi_valid_days", "good_days": "good_days",
          "pm25_annual_mean": "pm25_annual_mean_ugm3", "pm10_annual_mean": "pm10_annual_mean_ugm3",
          "so2_annual_mean": "so2_annual_mean_ugm3", "no2_annual_mean": "no2_annual_mean_ugm3",
          "co_p95": "co_24h_95th_percentile_mgm3", "o3_mda8_p90": "o3_mda8_90th_percentile_ugm3",
          "good_days_share": "good_days_share_pct"}


def compare(data: Path, warehouse: Path) -> dict:
    """(b)'s daily and annual marts against the reference SQL on every month, column by column
    (every column the reference computes). Both compute in integers of 1e-9 and round once by
    GB/T 8170, so they must agree exactly (DOUBLE averages in parallel used to move CO ties)."""
    with duckdb.connect(config={"memory_limit": MEMORY_LIMIT}) as con:  # as (a): within the RSS target
        compute(con, parquet([f"{m}/*.parquet" for m in sorted((data / "parquet").glob("month=*"))]),
                data / "stations.csv")
        con.execute(f"ATTACH '{warehouse}' AS wh (READ_ONLY)")
        found = {}
        for name, mapping, table, key in [("daily", DAILY, "mart_air_quality_daily", "day"),
                                          ("annual", ANNUAL, "mart_air_quality", "year")]:
            differs = " OR ".join(f"r.{r} IS DISTINCT FROM m.{m}" for r, m in mapping.items())
            rows, differ = con.execute(f"""
                SELECT count(*), count(*) FILTER (WHERE m.{key} IS NULL OR r.{key} IS NULL OR {differs})
                FROM reference_{name} AS r
                FULL JOIN wh.marts.{table} AS m USING (region_code, {key})""").fetchall()[0]
            found[name] = {"rows": rows, "columns": sorted(mapping.values()), "rows_differing": differ,
                           "equal": differ == 0}
    return {**found, "equal": all(f["equal"] for f in found.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="1M")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, help="generated data (default bench/data/<size>)")
    parser.add_argument("--out", type=Path, help="JSON figures (default bench/results/<size>.json)")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                        help="spark: also (s), the air models on a local Spark cluster beside DuckDB")
    args = parser.parse_args(argv)
    data = args.data or BENCH_DIR / "data" / args.size
    if not (data / "stations.csv").exists():
        print(f"generating {args.size} rows of SAMPLE hourly readings into {data} …", flush=True)
        print(json.dumps(generate(data, *SIZES[args.size])), flush=True)
    months = len(months_of(data))
    runs: dict[str, list[dict]] = {step: [] for step in STEPS}
    agreement, engines = None, None
    # on a terminal, a bar over the steps; the children's progress lines print above it
    bar = tqdm(total=args.repeat * len(STEPS), unit="step", disable=not sys.stdout.isatty(),
               bar_format="{l_bar}{bar}| {n}/{total} steps [{elapsed}<{remaining}]")
    show = bar.write
    for i in range(args.repeat):
        work = Path(tempfile.mkdtemp(prefix="bazhong-bench-"))
        try:
            with portal_process(work / "portal") as portal:
                child(["bench.pipeline", "--data", str(data), "--work", str(work), "--set-up"], show)
                publish_months(data, work / "portal", months - 1)  # what (g) fetches; (b) lists the same
                fair = ["bench.limit", str(data), "--fair", "--work", str(work)]
                for step, module, n, first in [("a", ["bench.limit", str(data)], months - 1, None),
                                               ("f", fair, months - 1, None),
                                               ("g", [*fair, "--fetch", portal], months - 1, None),
                                               ("b", ["bench.pipeline"], months - 1, 1),
                                               ("c", ["bench.pipeline"], months, months),
                                               ("d", ["bench.pipeline"], months, months)]:
                    extra = ["--data", str(data), "--work", str(work), "--first", str(first),
                             "--portal-url", portal] if first else []
                    show(f"repeat {i + 1}/{args.repeat}  ({step}) {STEPS[step]} …")
                    result = child([*module, *extra, "--months", str(n)], show)
                    runs[step].append(result)
                    show(f"repeat {i + 1}/{args.repeat}  ({step}) {STEPS[step]:<32} "
                         f"{result['seconds']:>8.2f} s  CPU {result['cpu_s']:>7.1f} s  "
                         f"peak RSS {result['peak_rss_mb_total']:>5} MB")
                    bar.update()
                if i == 0:
                    show("comparing the pipeline's daily and annual marts with the reference SQL …")
                    agreement = compare(data, work / "data" / "warehouse.duckdb")
                    if args.engine == "spark":
                        engines = spark_step(work, show)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    bar.close()
    median = {s: statistics.median(r["seconds"] for r in runs[s]) for s in STEPS}
    raw_rows = runs["c"][-1]["rows"]["raw.air_hourly_readings"]
    gate = profile(runs["b"]).get(GATE_STEP, 0.0)
    figures = {
        "size": args.size if not args.data else data.name, "rows": raw_rows, "months": months,
        "files": len(json.loads((data / "csv" / "index.json").read_text())["files"]),
        "repeat": args.repeat,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "duckdb": duckdb.__version__},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "steps": {s: {"what": STEPS[s], "median_s": round(median[s], 2),
                      "cpu_s": statistics.median(r["cpu_s"] for r in runs[s]),
                      "load_average_1m": [r["load_average_1m"] for r in runs[s]],
                      "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[s]),
                      "peak_rss_mb_total": max(r["peak_rss_mb_total"] for r in runs[s]),
                      "runs_s": [r["seconds"] for r in runs[s]],
                      **({"dagster_steps_s": profile(runs[s])} if s in "bcd" else {})}
                  for s in STEPS},
        "ratios": {"b_over_fair_limit": round(median["b"] / median["f"], 2),
                   "b_over_fair_limit_with_fetch": round(median["b"] / median["g"], 2),
                   "b_over_a": round(median["b"] / median["a"], 2),
                   "c_over_b": round(median["c"] / median["b"], 3),
                   "gate_share_of_b": round(gate / median["b"], 3)},
        "targets": TARGETS,
        "pipeline_vs_reference": agreement,
        **({"engines": engines} if engines else {}),
    }
    out = args.out or BENCH_DIR / "results" / f"{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=1) + "\n")
    print_table(figures)
    print(f"figures: {out}")
    return 0 if agreement and agreement["equal"] else 1


@contextlib.contextmanager
def portal_process(root: Path) -> Iterator[str]:
    """The project's portal serving `root` from a process of its own (a department's server is
    another machine; in the pipeline's process it would compete for the GIL with what it
    feeds); yields its URL, stops it by its process id."""
    root.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "ingestion.portal", "--root", str(root),
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the portal process did not start (exit {proc.poll()})")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def spark_step(work: Path, show: Callable[[str], None]) -> dict:
    """(s): a local standalone cluster (2 workers of 1 core, as DuckDB has 2 threads here),
    started and timed (Spark's fixed cost per deployment), then bench/spark.py over (d)'s data."""
    from orchestration.spark_cluster import local_cluster

    show("(s) starting a local Spark cluster (master, 2 workers, Thrift server) …")
    started = time.monotonic()
    with local_cluster(work / "cluster", workers=2) as cluster:
        start_s = time.monotonic() - started
        result = child(["bench.spark", "--work", str(work), "--cluster", str(cluster.folder),
                        "--thrift-port", str(cluster.thrift_port)], show)
    cores = 2
    show(f"(s) Spark {result['spark_s']:.1f} s, DuckDB {result['duckdb_s']:.1f} s, marts "
         f"{'equal' if result['marts_equal'] else 'NOT EQUAL'}")
    per_core = {e: round(result["rows"] / result[f"{e}_s"] / cores) for e in ("spark", "duckdb")}
    return {
        "what": "the air path's dbt models from scratch over every month's landed rows (dbt run "
                "--full-refresh), the same models on each engine, 2 cores each",
        "duckdb": {"seconds": result["duckdb_s"], "rows_per_s_per_core": per_core["duckdb"]},
        "spark": {"seconds": result["spark_s"], "rows_per_s_per_core": per_core["spark"],
                  "cluster_start_s": round(start_s, 1), "register_and_seed_s": result["prepare_s"],
                  "marts_equal": result["marts_equal"], "marts_compared": result["marts"],
                  "marts_differing": result["marts_differing"]},
    }


def commit() -> str | None:
    """The code measured: the checkout's commit, '+changes' when the tree differs from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=BENCH_DIR, capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{head}+changes" if head and dirty else head or None


def profile(runs: list[dict]) -> dict[str, float]:
    """Where the time goes: the median duration of each Dagster step, over the runs it ran in."""
    steps = dict.fromkeys(k for r in runs for k in r["steps_s"])
    return {k: round(statistics.median(r["steps_s"][k] for r in runs if k in r["steps_s"]), 2)
            for k in steps}


def print_table(f: dict) -> None:
    print(f"\n{f['size']}: {f['rows']:,} hourly readings, {f['months']} months, "
          f"median of {f['repeat']} run(s)")
    print(f"{f['files']:,} feed files (one per station and month)")
    print(f"{'step':<36} {'median s':>9} {'CPU s':>8} {'peak RSS MB (sum)':>18}")
    for s, step in f["steps"].items():
        print(f"({s}) {step['what']:<32} {step['median_s']:>9.2f} {step['cpu_s']:>8.1f} "
              f"{step['peak_rss_mb_total']:>18}")
    for s, step in f["steps"].items():
        if "dagster_steps_s" in step:
            print(f"({s}) by Dagster step: " + ", ".join(
                f"{k.removeprefix('raw__air_hourly_readings').strip('_') or 'land'} {v:.1f}"
                for k, v in step["dagster_steps_s"].items()))
    r, t = f["ratios"], f["targets"]
    fair = t["b_over_fair_limit"].get(f["size"], t["b_over_fair_limit"]["10M"])
    noop = f["steps"]["d"]["median_s"]
    peak = max(s["peak_rss_mb_total"] for s in f["steps"].values())
    for label, value, target in [("b/g (fair limit with fetch)", r["b_over_fair_limit_with_fetch"], fair),
                                 ("b/f (fair limit, files local)", r["b_over_fair_limit"], fair),
                                 ("c/b", r["c_over_b"], t["c_over_b"]),
                                 ("no-op s, whole process", noop, t["noop_s"]),
                                 ("peak RSS MB, summed", peak, t["peak_rss_mb_total"]),
                                 ("quality gate share of b", r["gate_share_of_b"], t["gate_share_of_b"])]:
        print(f"{label:<28} {value:>9} {'<= ' + str(target):>12}  {'met' if value <= target else 'MISSED'}")
    print(f"{'b/a (Parquet floor)':<28} {r['b_over_a']:>9}")
    for engine in ("duckdb", "spark") if "engines" in f else ():
        e = f["engines"][engine]
        extra = (f", cluster start {e['cluster_start_s']} s, marts "
                 f"{'equal' if e['marts_equal'] else 'NOT EQUAL'}" if engine == "spark" else "")
        print(f"(s) {engine:<8} air models {e['seconds']:>8.2f} s  "
              f"{e['rows_per_s_per_core']:>10,} rows/s per core{extra}")
    a = f["pipeline_vs_reference"]
    for name in ("daily", "annual"):
        x = a[name]
        print(f"{name} mart vs reference SQL: {x['rows']} rows x {len(x['columns'])} columns, "
              f"{x['rows_differing']} rows differ -> {'equal' if x['equal'] else 'NOT EQUAL'}")


if __name__ == "__main__":
    raise SystemExit(main())
