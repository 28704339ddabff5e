"""(a) of the benchmark: the hand-written DuckDB script (bench/reference.sql) that computes
the daily and annual air-quality results straight from Parquet: the speed limit the
pipeline is measured against, and an independent check of the dbt models' results."""

from pathlib import Path

import duckdb

SCRIPT = Path(__file__).with_name("reference.sql")
BREAKPOINTS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "aqi_breakpoints.csv"
CITY = "511900"
MEMORY_LIMIT = "3GB"


def compute(con: duckdb.DuckDBPyConnection, readings: str, stations: Path,
            breakpoints: Path = BREAKPOINTS, city: str = CITY) -> None:
    """Leaves temp tables reference_daily and reference_annual on `con`."""
    sql = SCRIPT.read_text(encoding="utf-8").format(
        readings=readings, stations=stations, breakpoints=breakpoints, city=city)
    con.execute(sql)


def main(argv: list[str] | None = None) -> int:
    """python -m bench.limit DIR [--repeat 3]: time (a) on data from bench.generate."""
    import argparse
    import json
    import resource
    import statistics
    import time

    parser = argparse.ArgumentParser(prog="python -m bench.limit", description=main.__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    readings = f"{args.data}/parquet/**/*.parquet"
    seconds = []
    for _ in range(args.repeat):
        # the same memory cap the pipeline's DuckDB gets (the target is <= 4 GB peak RSS)
        with duckdb.connect(config={"memory_limit": MEMORY_LIMIT}) as con:
            started = time.monotonic()
            compute(con, readings, args.data / "stations.csv")
            rows = con.execute("SELECT count(*) FROM reference_daily").fetchone()[0]
            seconds.append(time.monotonic() - started)
    print(json.dumps({"step": "a_reference_sql", "data": str(args.data),
                      "median_s": round(statistics.median(seconds), 2),
                      "runs_s": [round(s, 2) for s in seconds], "daily_rows": rows,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
