"""The limits the pipeline is measured against, done by hand in plain DuckDB on the same data:

(a) floor       bench/reference.sql straight from the typed Parquet, in memory: what the
                results cost with no parsing and nothing kept.
(f) fair limit  the same work the pipeline must do, without the pipeline: the feed's CSVs
                (one per station and month) read by `read_csv` into a persisted raw table
                (the text as received and the typed values), the checks as one aggregate
                query, and the reference SQL into persisted tables, in a database file.
(g) fair limit with fetch: (f) after fetching the same files from the portal over HTTP with a
                plain concurrent client (8 threads), as the pipeline fetches them.

    python -m bench.limit DIR [--months N] [--fair --work W [--fetch URL]]

The reference SQL is also an independent check of the dbt models' results (bench/run.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

SCRIPT = Path(__file__).with_name("reference.sql")
BREAKPOINTS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "aqi_breakpoints.csv"
CITY = "511900"
MEMORY_LIMIT = "3GB"
POLLUTANTS = {"pm25": "PM2.5(μg/m³)", "pm10": "PM10(μg/m³)", "so2": "SO2(μg/m³)",
              "no2": "NO2(μg/m³)", "co": "CO(mg/m³)", "o3": "O3(μg/m³)"}


def compute(con: duckdb.DuckDBPyConnection, readings: str, stations: Path, kind: str = "TEMP",
            breakpoints: Path = BREAKPOINTS, city: str = CITY) -> None:
    """Leaves tables reference_daily and reference_annual on `con` (TEMP, or persisted with
    kind=''). `readings`: a relation (read_parquet([...]), a table name)."""
    con.execute(SCRIPT.read_text(encoding="utf-8").format(
        readings=readings, stations=stations, breakpoints=breakpoints, city=city, kind=kind))


def parquet(files: list[str]) -> str:
    return "read_parquet([" + ", ".join(f"'{f}'" for f in files) + "])"


def fair_limit(con: duckdb.DuckDBPyConnection, csv_files: list[str], stations: Path) -> dict:
    """(f): CSV → persisted raw table with text and typed columns, checks, results."""
    files = "[" + ", ".join(f"'{f}'" for f in csv_files) + "]"
    typed = ", ".join(f"{c}, TRY_CAST(nullif({c}, '—') AS DOUBLE) AS {c}__value" for c in POLLUTANTS)
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in ["station_code", "station_name", "hour",
                                                            *POLLUTANTS]) + "}"
    con.execute(f"""
        CREATE TABLE raw_air AS
        SELECT station_code, station_name, hour, strptime(hour, '%Y-%m-%d %H:%M') AS hour__value,
               {typed}, filename
        FROM read_csv({files}, columns = {columns}, header = true, filename = true,
                      auto_detect = false, delim = ',', quote = '"', strict_mode = true)""")
    checks = con.execute(f"""
        SELECT count(*) AS rows,
               count(*) - count(DISTINCT (station_code, hour__value)) AS duplicate_keys,
               {', '.join(f"count(*) FILTER (WHERE {c}__value IS NULL AND {c} <> '—') AS {c}_unreadable, "
                          f"count(*) FILTER (WHERE {c}__value < 0) AS {c}_negative" for c in POLLUTANTS)}
        FROM raw_air""").fetchall()[0]
    compute(con, "(SELECT station_code, hour__value AS hour, "
            + ", ".join(f"{c}__value AS {c}" for c in POLLUTANTS) + " FROM raw_air)", stations, kind="")
    return {"raw_rows": checks[0], "duplicate_keys": checks[1]}


def fetch_listed(url: str, into: Path, threads: int = 8) -> list[str]:
    """(g)'s fetch: the portal's air listing and every file in it, written under `into`."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    files = requests.get(f"{url}/air/hourly/index.json", timeout=60).json()["files"]

    def get(name: str) -> str:
        response = requests.get(f"{url}/air/hourly/{name}", timeout=60)
        response.raise_for_status()
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.content)
        return str(target)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(get, files))


def main(argv: list[str] | None = None) -> int:
    """python -m bench.limit DIR [--months N] [--fair --work W [--fetch URL]]: time (a), (f)
    or (g), once."""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="python -m bench.limit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--months", type=int, help="only the first N months (default: all)")
    parser.add_argument("--fair", action="store_true", help="(f): from the CSVs into a database file")
    parser.add_argument("--work", type=Path, help="where (f) writes its database (default: the data folder)")
    parser.add_argument("--fetch", help="(g): the portal's URL; its listed files are fetched first")
    args = parser.parse_args(argv)
    months = sorted((args.data / "parquet").glob("month=*"))[:args.months]
    started = time.monotonic()
    # the same memory cap the pipeline's DuckDB gets (the target is <= 4 GB peak RSS)
    if args.fair:
        database = (args.work or args.data) / "fair-limit.duckdb"
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        csv_files = ([str(f) for m in months for f in sorted((args.data / "csv" / m.name).glob("*.csv"))]
                     if not args.fetch else fetch_listed(args.fetch, database.parent / "fetched"))
        with duckdb.connect(str(database), config={"memory_limit": MEMORY_LIMIT}) as con:
            found = fair_limit(con, csv_files, args.data / "stations.csv")
            rows = con.execute("SELECT count(*) FROM reference_daily").fetchall()[0][0]
        found["files"] = len(csv_files)
    else:
        with duckdb.connect(config={"memory_limit": MEMORY_LIMIT}) as con:
            compute(con, parquet([f"{m}/*.parquet" for m in months]), args.data / "stations.csv")
            rows = con.execute("SELECT count(*) FROM reference_daily").fetchall()[0][0]
        found = {}
    seconds = time.monotonic() - started
    print(json.dumps({"seconds": round(seconds, 2), "success": True, "months": len(months),
                      "rows": {"reference_daily": rows}, **found}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
