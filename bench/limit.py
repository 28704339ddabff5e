"""(a) of the benchmark: the hand-written DuckDB script (bench/reference.sql) that computes
the daily and annual air-quality results straight from Parquet: the speed limit the
pipeline is measured against, and an independent check of the dbt models' results."""

from pathlib import Path

import duckdb

SCRIPT = Path(__file__).with_name("reference.sql")
BREAKPOINTS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "aqi_breakpoints.csv"
CITY = "511900"
MEMORY_LIMIT = "3GB"


def compute(con: duckdb.DuckDBPyConnection, readings: str | list[str], stations: Path,
            breakpoints: Path = BREAKPOINTS, city: str = CITY) -> None:
    """Leaves temp tables reference_daily and reference_annual on `con`. `readings`: Parquet
    files or globs."""
    files = [readings] if isinstance(readings, str) else readings
    sql = SCRIPT.read_text(encoding="utf-8").format(
        readings="[" + ", ".join(f"'{f}'" for f in files) + "]", stations=stations,
        breakpoints=breakpoints, city=city)
    con.execute(sql)


def main(argv: list[str] | None = None) -> int:
    """python -m bench.limit DIR [--months N]: time (a) once on data from bench.generate."""
    import argparse
    import json
    import time

    parser = argparse.ArgumentParser(prog="python -m bench.limit", description=main.__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("--months", type=int, help="only the first N months (default: all)")
    args = parser.parse_args(argv)
    months = sorted((args.data / "parquet").glob("month=*"))[:args.months]
    # the same memory cap the pipeline's DuckDB gets (the target is <= 4 GB peak RSS)
    with duckdb.connect(config={"memory_limit": MEMORY_LIMIT}) as con:
        started = time.monotonic()
        compute(con, [f"{m}/*.parquet" for m in months], args.data / "stations.csv")
        rows = con.execute("SELECT count(*) FROM reference_daily").fetchone()[0]
        seconds = time.monotonic() - started
    print(json.dumps({"seconds": round(seconds, 2), "success": True, "months": len(months),
                      "rows": {"reference_daily": rows}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
