"""(a) of the benchmark: the hand-written DuckDB script (bench/reference.sql) that computes
the daily and annual air-quality results straight from Parquet: the speed limit the
pipeline is measured against, and an independent check of the dbt models' results."""

from pathlib import Path

import duckdb

SCRIPT = Path(__file__).with_name("reference.sql")
BREAKPOINTS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "aqi_breakpoints.csv"
CITY = "511900"


def compute(con: duckdb.DuckDBPyConnection, readings: str, stations: Path,
            breakpoints: Path = BREAKPOINTS, city: str = CITY) -> None:
    """Leaves temp tables reference_daily and reference_annual on `con`."""
    sql = SCRIPT.read_text(encoding="utf-8").format(
        readings=readings, stations=stations, breakpoints=breakpoints, city=city)
    con.execute(sql)
