"""`make bench`: the pipeline against plain DuckDB, on the same generated data.

    python -m bench.run                       # 1M rows (114 stations x 1 year), 3 repeats
    python -m bench.run --size 10M --repeat 1

Steps, each in a child process of its own (its time from inside, its peak RSS from wait4):
  (a) reference   bench/reference.sql straight from Parquet: the limit
  (b) full        the pipeline's air path (fetch over loopback HTTP + land + GX gate + dbt
                  models and tests + mart GX suites) into a new warehouse: one run for the
                  monthly partitions of all months but the last (a backfill of that range)
  (c) add month   the portal lists the last month too: a run for its partition
  (d) no-op       that partition again, with nothing new
(a) reads the same months as (b). Figures: the median over --repeat runs (each repeat starts
from an empty warehouse), ratios b/a and c/b, the largest peak RSS; written to
bench/results/<size>.json and printed as a table. Data: bench/data/<size> (generated once).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from .generate import SIZES, generate
from .limit import MEMORY_LIMIT, compute
from .pipeline import months_of

BENCH_DIR = Path(__file__).resolve().parent
TARGETS = {"b_over_a": 1.3, "c_over_b": 0.05, "noop_s": 15.0, "peak_rss_mb": 4096}
STEPS = {"a": "reference SQL", "b": "pipeline, full", "c": "pipeline, add a month", "d": "pipeline, no-op"}


def child(args: list[str], show: Callable[[str], None] = print) -> dict:
    """Run `python -m <args>`; its JSON line, plus its peak RSS (and its children's: dbt).
    What the child says on stderr as it goes (files landed, loads validated, assets done) is
    shown as it comes, through `show`."""
    started = time.monotonic()
    tail: deque[str] = deque(maxlen=60)
    with tempfile.TemporaryFile("w+") as out:  # the JSON line, after dbt's own output
        proc = subprocess.Popen([sys.executable, "-m", *args], stdout=out, stderr=subprocess.PIPE,
                                text=True)
        for line in proc.stderr:
            tail.append(line)
            if line.startswith(("  ", "ok ", "WARN", "FAIL", "-- ")):  # progress, not tracebacks
                show(f"    {line.rstrip()}")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read()
        if proc.returncode != 0:
            raise SystemExit(f"bench step {' '.join(args)} failed (exit {proc.returncode}):\n"
                             f"{''.join(tail)}\n{stdout[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["wall_s"] = round(time.monotonic() - started, 2)
    result["peak_rss_mb"] = usage.ru_maxrss // 1024
    return result


def compare(data: Path, warehouse: Path) -> dict:
    """The pipeline's daily mart against the reference SQL on every month (the bench's own
    check). CO means that land on a rounding boundary (x.x5) may round either way: both sides
    average doubles in parallel, and the summation order moves the last bit."""
    with duckdb.connect(config={"memory_limit": MEMORY_LIMIT}) as con:  # as (a): within the RSS target
        compute(con, [f"{m}/*.parquet" for m in sorted((data / "parquet").glob("month=*"))],
                data / "stations.csv")
        con.execute(f"ATTACH '{warehouse}' AS wh (READ_ONLY)")
        rows, differ, co_only = con.execute("""
            SELECT count(*),
                   count(*) FILTER (WHERE m.day IS NULL OR r.day IS NULL
                                     OR (r.pm25_24h, r.o3_8h, r.co_24h, r.aqi) IS DISTINCT FROM
                                        (m.pm25_24h_ugm3, m.o3_mda8_ugm3, m.co_24h_mgm3, m.aqi)),
                   count(*) FILTER (WHERE (r.pm25_24h, r.o3_8h) IS NOT DISTINCT FROM
                                          (m.pm25_24h_ugm3, m.o3_mda8_ugm3)
                                     AND abs(r.co_24h - m.co_24h_mgm3) <= 0.1 + 1e-9
                                     AND r.co_24h <> m.co_24h_mgm3)
            FROM reference_daily AS r
            FULL JOIN wh.marts.mart_air_quality_daily AS m USING (region_code, day)""").fetchone()
    return {"daily_rows": rows, "rows_differing": differ, "of_which_co_rounding_boundary": co_only,
            "equal": differ == co_only}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="1M")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, help="generated data (default bench/data/<size>)")
    parser.add_argument("--out", type=Path, help="JSON figures (default bench/results/<size>.json)")
    args = parser.parse_args(argv)
    data = args.data or BENCH_DIR / "data" / args.size
    if not (data / "stations.csv").exists():
        print(f"generating {args.size} rows of SAMPLE hourly readings into {data} …", flush=True)
        print(json.dumps(generate(data, *SIZES[args.size])), flush=True)
    months = len(months_of(data))
    runs: dict[str, list[dict]] = {step: [] for step in STEPS}
    agreement = None
    # on a terminal, a bar over the steps; the children's progress lines print above it
    bar = tqdm(total=args.repeat * len(STEPS), unit="step", disable=not sys.stdout.isatty(),
               bar_format="{l_bar}{bar}| {n}/{total} steps [{elapsed}<{remaining}]")
    show = bar.write
    for i in range(args.repeat):
        work = Path(tempfile.mkdtemp(prefix="bazhong-bench-"))
        try:
            for step, module, n, first in [("a", ["bench.limit", str(data)], months - 1, None),
                                           ("b", ["bench.pipeline"], months - 1, 1),
                                           ("c", ["bench.pipeline"], months, months),
                                           ("d", ["bench.pipeline"], months, months)]:
                extra = ["--data", str(data), "--work", str(work), "--first", str(first)] if first else []
                show(f"repeat {i + 1}/{args.repeat}  ({step}) {STEPS[step]} …")
                result = child([*module, *extra, "--months", str(n)], show)
                runs[step].append(result)
                show(f"repeat {i + 1}/{args.repeat}  ({step}) {STEPS[step]:<22} {result['seconds']:>8.2f} s"
                     f"  peak RSS {result['peak_rss_mb']:>5} MB")
                bar.update()
            if i == 0:
                show("comparing the pipeline's daily mart with the reference SQL …")
                agreement = compare(data, work / "data" / "warehouse.duckdb")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    bar.close()
    median = {s: statistics.median(r["seconds"] for r in runs[s]) for s in STEPS}
    rss = {s: max(r["peak_rss_mb"] for r in runs[s]) for s in STEPS}
    raw_rows = runs["c"][-1]["rows"]["raw.air_hourly_readings"]
    figures = {
        "size": args.size if not args.data else data.name, "rows": raw_rows, "months": months,
        "repeat": args.repeat,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "duckdb": duckdb.__version__},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "steps": {s: {"what": STEPS[s], "median_s": round(median[s], 2), "peak_rss_mb": rss[s],
                      "runs_s": [r["seconds"] for r in runs[s]],
                      **({"dagster_steps_s": profile(runs[s])} if s != "a" else {})}
                  for s in STEPS},
        "ratios": {"b_over_a": round(median["b"] / median["a"], 2),
                   "c_over_b": round(median["c"] / median["b"], 3)},
        "targets": TARGETS,
        "pipeline_vs_reference": agreement,
    }
    out = args.out or BENCH_DIR / "results" / f"{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=1) + "\n")
    print_table(figures)
    print(f"figures: {out}")
    return 0 if agreement and agreement["equal"] else 1


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
    print(f"{'step':<28} {'median s':>9} {'peak RSS MB':>12}")
    for s, step in f["steps"].items():
        print(f"({s}) {step['what']:<24} {step['median_s']:>9.2f} {step['peak_rss_mb']:>12}")
    for s, step in f["steps"].items():
        if "dagster_steps_s" in step:
            print(f"({s}) by Dagster step: " + ", ".join(
                f"{k.removeprefix('raw__air_hourly_readings').strip('_') or 'land'} {v:.1f}"
                for k, v in step["dagster_steps_s"].items()))
    r, t = f["ratios"], f["targets"]
    noop, peak = f["steps"]["d"]["median_s"], max(s["peak_rss_mb"] for s in f["steps"].values())
    for label, value, target, ok in [
            ("b/a", r["b_over_a"], f"<= {t['b_over_a']}", r["b_over_a"] <= t["b_over_a"]),
            ("c/b", r["c_over_b"], f"<= {t['c_over_b']}", r["c_over_b"] <= t["c_over_b"]),
            ("no-op s", noop, f"<= {t['noop_s']}", noop <= t["noop_s"]),
            ("peak RSS MB", peak, f"<= {t['peak_rss_mb']}", peak <= t["peak_rss_mb"])]:
        print(f"{label:<28} {value:>9} {target:>12}  {'met' if ok else 'MISSED'}")
    a = f["pipeline_vs_reference"]
    print(f"daily mart vs reference SQL: {a['daily_rows']} rows, {a['rows_differing']} differ"
          f" ({a['of_which_co_rounding_boundary']} only by a CO mean on a rounding boundary)"
          f" -> {'equal' if a['equal'] else 'NOT EQUAL'}")


if __name__ == "__main__":
    raise SystemExit(main())
