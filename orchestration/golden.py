"""Rows per mart and year on the bundled sample, recorded in seeds/golden_row_counts.csv for the
dbt test golden_row_counts (`python -m orchestration golden-counts` after `make run`)."""

from __future__ import annotations

import csv

import duckdb

from publishing import tests_on

from .settings import DBT_PROJECT_DIR, Settings

GOLDEN_SEED = DBT_PROJECT_DIR / "seeds" / "golden_row_counts.csv"


def golden_counts(settings: Settings) -> int:
    """Record rows per mart table and year in seeds/golden_row_counts.csv from a warehouse
    built by `make run` on the bundled sample; the tables and their year columns are those
    given to the dbt test golden_row_counts."""
    from .assets.dbt import dbt_project

    tables = {attached["name"]: test["test_metadata"]["kwargs"].get("year_column", "year")
              for test, attached in tests_on(dbt_project.manifest_path, "golden_row_counts")}
    rows = []
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        for table, year in sorted(tables.items()):
            rows += [(table, *r) for r in con.execute(
                f'SELECT cast({year} AS integer) AS y, count(*) FROM marts."{table}" '
                "GROUP BY y ORDER BY y").fetchall()]
    with open(GOLDEN_SEED, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["table_name", "year", "min_rows"])
        writer.writerows(rows)
    print(f"{GOLDEN_SEED}: {len(rows)} rows for {len(tables)} tables")
    return 0
