"""python -m expectations golden-counts [warehouse]

Record rows per mart table and year in dbt_project/seeds/golden_row_counts.csv from a
warehouse built by `make run` on the bundled sample (default data/warehouse.duckdb). The
tables and their year columns are those given to the dbt test golden_row_counts.
"""

import csv
import json
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / "dbt_project" / "target" / "manifest.json"
SEED = REPO / "dbt_project" / "seeds" / "golden_row_counts.csv"


def golden_tests(manifest: dict) -> dict[str, str]:
    """table → year expression, from the golden_row_counts tests in the manifest."""
    out = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if meta.get("name") == "golden_row_counts":
            table = manifest["nodes"][node["attached_node"]]["name"]
            out[table] = meta["kwargs"].get("year_column", "year")
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "golden-counts":
        print(__doc__)
        return 2
    warehouse = argv[1] if len(argv) > 1 else str(REPO / "data" / "warehouse.duckdb")
    tables = golden_tests(json.loads(MANIFEST.read_text(encoding="utf-8")))
    rows = []
    with duckdb.connect(warehouse, read_only=True) as con:
        for table, year in sorted(tables.items()):
            rows += [(table, *r) for r in con.execute(
                f'SELECT cast({year} AS integer) AS y, count(*) FROM marts."{table}" '
                "GROUP BY y ORDER BY y").fetchall()]
    with open(SEED, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["table_name", "year", "min_rows"])
        writer.writerows(rows)
    print(f"{SEED}: {len(rows)} rows for {len(tables)} tables")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
