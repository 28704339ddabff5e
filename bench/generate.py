"""Deterministic hourly air-monitoring data at province scale, for benchmarks.

    python -m bench.generate --size 1M  --out bench/data/1M     # 114 stations x 1 year
    python -m bench.generate --size 100M --out bench/data/100M  # 1,141 stations x 10 years
    python -m bench.generate --stations 50 --years 2 --out DIR  # any size

Writes, under --out:
  parquet/month=YYYY-MM/*.parquet   one folder per month (the reference SQL and a Parquet drop)
  csv/month=YYYY-MM/<station>_YYYYMM.csv
                                    the monitoring platform's export: one file per station and
                                    month (站点编码, 监测时间, PM2.5(μg/m³) …, '—' for a missing
                                    reading), as the real feed sends it
  csv/index.json                    the listing the air_hourly_readings connector reads
  stations.csv                      station → county (round-robin over Bazhong's five), for a
                                    seed override when the pipeline reads this data
Every value is SAMPLE data (station names say 样例), reproducible from --seed: the same
arguments give the same rows. DuckDB does the work in SQL, streaming: memory stays flat.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

# size → (stations, years): 8,760 hourly readings per station-year
SIZES = {"1M": (114, 1), "10M": (381, 3), "100M": (1141, 10)}
LAST_YEAR = 2025
COUNTIES = ["511902", "511903", "511921", "511922", "511923"]
FEED_HEADERS = {"station_code": "站点编码", "station_name": "站点名称", "hour": "监测时间",
                "pm25": "PM2.5(μg/m³)", "pm10": "PM10(μg/m³)", "so2": "SO2(μg/m³)",
                "no2": "NO2(μg/m³)", "co": "CO(mg/m³)", "o3": "O3(μg/m³)"}


def readings_sql(stations: int, years: int, seed: int) -> str:
    """One row per station and hour (hour-ending, local time). Pseudo-random draws come from
    hash(seed, station, hour, k): no state, so any slice is reproducible on its own."""
    first = LAST_YEAR - years + 1
    u = "((hash({seed}, s.n, h.ts, {k}) % 1000003) / 1000003.0)"  # uniform in [0, 1)

    def draw(k: int) -> str:
        return u.format(seed=seed, k=k)

    # ~lognormal(0, 0.35): a sum of three uniforms is close enough to normal for load data
    noise = f"exp(0.35 * 2 * ({draw(1)} + {draw(2)} + {draw(3)} - 1.5))"
    season = "cos(2 * pi() * (month(h.ts) - 1) / 12)"
    daylight = "greatest(0, sin(pi() * (hour(h.ts) - 6) / 14))"
    return f"""
        WITH s AS (
            SELECT n, printf('SC%04dA', n) AS station_code,
                   printf('样例站%04d（sample）', n) AS station_name,
                   0.7 + 0.6 * ((hash({seed}, n) % 1000) / 1000.0) AS level
            FROM range(1, {stations} + 1) r(n)
        ),
        h AS (
            SELECT ts FROM generate_series(TIMESTAMP '{first}-01-01 01:00',
                                           TIMESTAMP '{LAST_YEAR + 1}-01-01 00:00',
                                           INTERVAL 1 HOUR) g(ts)
        ),
        v AS (
            SELECT s.station_code, s.station_name, h.ts,
                   strftime(h.ts - INTERVAL 1 HOUR, '%Y-%m') AS month,
                   {draw(9)} < 0.01 AS missing,
                   greatest(3, s.level * (33 + 22 * {season}) * {noise}) AS pm25,
                   greatest(2, (55 - 25 * {season}) * (0.35 + 1.3 * {daylight})
                               * exp(0.2 * 2 * ({draw(4)} + {draw(5)} + {draw(6)} - 1.5))) AS o3,
                   {season} AS season, {draw(7)} AS u7, {draw(8)} AS u8
            FROM s CROSS JOIN h
        )
        SELECT station_code, station_name, strftime(ts, '%Y-%m-%d %H:%M') AS hour, month,
               CASE WHEN NOT missing THEN CAST(round(pm25) AS INTEGER) END AS pm25,
               CASE WHEN NOT missing THEN CAST(round(pm25 * 1.6) AS INTEGER) END AS pm10,
               CASE WHEN NOT missing THEN CAST(round(6 + 3 * season + 2 * u7 - 1) AS INTEGER) END AS so2,
               CASE WHEN NOT missing THEN CAST(round(18 + 8 * season + 8 * u8 - 4) AS INTEGER) END AS no2,
               CASE WHEN NOT missing THEN round(0.6 + 0.25 * season + 0.2 * u7 - 0.1, 2) END AS co,
               CASE WHEN NOT missing THEN CAST(round(o3) AS INTEGER) END AS o3
        FROM v
    """


def write_station_months(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """Month by month from the Parquet: DuckDB splits the month by station (PARTITION_BY, the
    station column kept in the file), then each file is named as the platform names it."""
    text = {"station_code", "station_name", "hour"}
    cols = ", ".join(f'{c} AS "{h}"' if c in text else f"coalesce(CAST({c} AS VARCHAR), '—') AS \"{h}\""
                     for c, h in FEED_HEADERS.items())
    # each file whole and in hour order, as exported: one writer thread (with more, DuckDB
    # splits a partition over data_0.csv, data_1.csv, …)
    con.execute("SET preserve_insertion_order = true; SET threads = 1")
    files = []
    for month_dir in sorted((out / "parquet").glob("month=*")):
        month = month_dir.name.removeprefix("month=")
        split = out / "csv" / ".split"
        split.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"""COPY (SELECT {cols} FROM read_parquet('{month_dir}/*.parquet')
                              ORDER BY station_code, hour)
                        TO '{split}' (FORMAT csv, HEADER, PARTITION_BY ("站点编码"),
                                      WRITE_PARTITION_COLUMNS true, OVERWRITE_OR_IGNORE)""")
        target = out / "csv" / month_dir.name
        target.mkdir(parents=True, exist_ok=True)
        for station_dir in sorted(split.iterdir()):
            station = station_dir.name.split("=", 1)[1]
            name = f"{station}_{month.replace('-', '')}.csv"
            (station_dir / "data_0.csv").replace(target / name)
            station_dir.rmdir()
            files.append(f"{month_dir.name}/{name}")
        split.rmdir()
    (out / "csv" / "index.json").write_text(json.dumps({"files": files}, indent=1))
    con.execute("RESET preserve_insertion_order; RESET threads")


def generate(out: Path, stations: int, years: int, seed: int = 2023, csv: bool = True) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    def say(what: str) -> None:  # progress on stderr: stdout carries the figures
        print(f"  generate: {what} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")  # let COPY stream in parallel
    if sys.stderr.isatty():  # DuckDB's own progress bar for the long COPY statements
        con.execute("SET enable_progress_bar = true")
    con.execute(f"CREATE VIEW readings AS {readings_sql(stations, years, seed)}")
    say(f"{stations} stations x {years} years: Parquet by month into {out / 'parquet'}")
    con.execute(f"COPY (SELECT * FROM readings) TO '{out / 'parquet'}' "
                "(FORMAT parquet, PARTITION_BY (month), COMPRESSION zstd, OVERWRITE_OR_IGNORE)")
    if csv:
        say(f"the feed's CSV, one file per station and month, into {out / 'csv'}")
        write_station_months(con, out)
    rows = con.execute(
        f"SELECT count(*) FROM read_parquet('{out / 'parquet'}/**/*.parquet')").fetchall()[0][0]
    con.execute(f"""COPY (SELECT printf('SC%04dA', n) AS station_code,
                                 printf('样例站%04d（sample）', n) AS name_zh,
                                 list_extract({COUNTIES}, (n - 1) % 5 + 1) AS region_code
                          FROM range(1, {stations} + 1) r(n))
                    TO '{out / 'stations.csv'}' (HEADER)""")
    con.close()
    say(f"{rows:,} readings written")
    return {"rows": rows, "stations": stations, "years": years, "seed": seed,
            "files": len(list((out / "csv").rglob("*.csv"))) if csv else 0,
            "seconds": round(time.monotonic() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, help="a preset: stations x years")
    parser.add_argument("--stations", type=int)
    parser.add_argument("--years", type=int)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--no-csv", action="store_true", help="Parquet only")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    stations, years = SIZES[args.size] if args.size else (args.stations, args.years)
    if not stations or not years:
        parser.error("give --size, or --stations and --years")
    print(json.dumps(generate(args.out, stations, years, args.seed, csv=not args.no_csv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
