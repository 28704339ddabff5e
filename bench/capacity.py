"""The README's capacity table, computed from a benchmark's measured throughput: an
extrapolation, linear in rows, of what the 2-core runs did.

    python -m bench.capacity [bench/results/10M.json]

Rates, per core (the benchmark ran on 2): DuckDB end to end, (b)'s rows over its wall time
(fetch, land, gate, dbt models and tests, mart suites); landing alone, (b)'s landing step;
Spark, the air models on the local cluster (bench/spark.py), to which a Spark deployment adds
the landing. The workloads are assumptions, stated in the table: rows are station (or
monitoring point) × reading time, the pollutants of one reading in one row."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

# workload → (points, readings a day per point)
WORKLOADS = {
    "Bazhong's air stations (today)": (5, 24),
    "a province's air stations, ~1,000 (national, provincial, county)": (1_000, 24),
    "the national urban air network, ~1,800 stations": (1_800, 24),
    "a province's enterprise online monitoring, ~5,000 points, 1-h": (5_000, 24),
    "the same at 10-min": (5_000, 144),
    "national enterprise online monitoring, ~50,000 points, 10-min": (50_000, 144),
}
DAY_S, BACKFILL_S, BACKFILL_YEARS = 3600, 8 * 3600, 5
CORES_MEASURED = 2
ONE_MACHINE = 64  # cores: above this DuckDB, one process on one machine, has no answer


def rates(figures: dict) -> dict[str, float]:
    rows, b = figures["rows"], figures["steps"]["b"]
    land_s = b["dagster_steps_s"]["raw__air_hourly_readings"]
    found = {"duckdb": rows / b["median_s"] / CORES_MEASURED, "landing": rows / land_s / CORES_MEASURED}
    if "engines" in figures:
        found["spark"] = figures["engines"]["spark"]["rows_per_s_per_core"]
    return found


def cores(rows: float, rate: float, seconds: float) -> int:
    return max(1, math.ceil(rows / rate / seconds))


def table(figures: dict) -> str:
    r = rates(figures)
    spark = "spark" in r
    head = ["workload", "rows a day", "rows a year", "DuckDB cores: day in 1 h",
            "DuckDB cores: 5 years in 8 h"]
    if spark:
        head += ["landing + Spark cores: day in 1 h", "landing + Spark cores: 5 years in 8 h"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, (points, per_day) in WORKLOADS.items():
        day = points * per_day
        backfill = day * 365 * BACKFILL_YEARS
        duck = [cores(day, r["duckdb"], DAY_S), cores(backfill, r["duckdb"], BACKFILL_S)]
        cells = [name, f"{day:,}", f"{day * 365:,}",
                 *[f"{c:,}" + (" (beyond one machine)" if c > ONE_MACHINE else "") for c in duck]]
        if spark:
            cells += [f"{cores(rows, r['landing'], s):,} + {cores(rows, r['spark'], s):,}"
                      for rows, s in ((day, DAY_S), (backfill, BACKFILL_S))]
        lines.append("| " + " | ".join(cells) + " |")
    measured = (f"Rates per core measured at {figures['size']} ({figures['rows']:,} readings, commit "
                f"{figures['commit']}): DuckDB end to end {r['duckdb']:,.0f} rows/s, landing "
                f"{r['landing']:,.0f}" + (f", Spark's air models {r['spark']:,.0f}" if spark else "") + ".")
    return measured + "\n\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    path = Path(args[0]) if args else Path(__file__).resolve().parent / "results" / "10M.json"
    print(table(json.loads(path.read_text())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
