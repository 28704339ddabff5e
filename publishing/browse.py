"""The open tier as a site people browse and the sharing platform pulls from: a SQLite copy
of the open snapshot (bazhong.sqlite, as PUDL publishes one, since Datasette serves SQLite)
with primary and foreign keys, and the Datasette metadata (datasette.json: titles,
descriptions, licence, sources, each column's description) made from the same data package.
`make serve` runs Datasette over them read-only (immutable) on loopback: pages to browse and
filter, and every table and query as JSON or CSV (add .json or .csv to a page's path)."""

import json
import sqlite3
from pathlib import Path

from .exports import indicator_labels, rounded_select
from .files import temp_path
from .metadata import TableDoc
from .snapshot import open_snapshot

SQLITE_NAME = "bazhong.sqlite"
DATASETTE_METADATA = "datasette.json"
DATABASE = Path(SQLITE_NAME).stem
SQLITE_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}
# the column Datasette shows in place of a foreign key's code
LABELS = {"dim_region": "name_zh", "dim_indicator": "name_zh", "dim_unit": "name_zh"}


def _ddl(name: str, fields: list[dict], schema: dict) -> str:
    columns = [f'"{f["name"]}" {SQLITE_TYPES.get(f["type"], "TEXT")}' for f in fields]
    if schema.get("primaryKey"):
        columns.append("PRIMARY KEY (" + ", ".join(f'"{c}"' for c in schema["primaryKey"]) + ")")
    for fk in schema.get("foreignKeys", []):
        columns.append("FOREIGN KEY (" + ", ".join(f'"{c}"' for c in fk["fields"]) + ") REFERENCES "
                       f'"{fk["reference"]["resource"]}" ('
                       + ", ".join(f'"{c}"' for c in fk["reference"]["fields"]) + ")")
    return f'CREATE TABLE "{name}" ({", ".join(columns)})'


def _cell(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)  # dates, decimals


def write_browse(tier_dir: Path, docs: dict[str, TableDoc]) -> int:
    """tier_dir/bazhong.sqlite and tier_dir/datasette.json, from the tier's snapshot and its
    datapackage.json (publishing.catalog). Values as in the CSV (the catalog's decimals).
    Returns rows copied."""
    package = json.loads((tier_dir / "datapackage.json").read_text(encoding="utf-8"))
    target = tier_dir / SQLITE_NAME
    tmp = temp_path(target)
    rows = 0
    out = sqlite3.connect(tmp)
    try:
        with open_snapshot(tier_dir) as con:
            tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
            indicators = indicator_labels(con, tables)
            for resource in package["resources"]:
                name, schema = resource["name"], resource["schema"]
                fields = schema["fields"]
                out.execute(_ddl(name, fields, schema))
                doc = docs.get(name) or TableDoc(name, "")
                select = rounded_select(name, [f["name"] for f in fields], doc, indicators)
                data = con.execute(select).fetchall()
                marks = ", ".join("?" * len(fields))
                out.executemany(f'INSERT INTO "{name}" VALUES ({marks})',
                                [tuple(_cell(v) for v in row) for row in data])
                rows += len(data)
        out.commit()
    finally:
        out.close()
    tmp.replace(target)
    metadata = temp_path(tier_dir / DATASETTE_METADATA)
    metadata.write_text(json.dumps(datasette_metadata(package), ensure_ascii=False, indent=2),
                        encoding="utf-8")
    metadata.replace(tier_dir / DATASETTE_METADATA)
    return rows


def datasette_metadata(package: dict) -> dict:
    licence = package["licenses"][0]
    return {
        "title": package["title"],
        "description": package["description"] + f" Release {package['release']['version']} "
                       f"(commit {package['release']['commit'][:12]}).",
        "license": licence.get("title", licence["name"]),
        **({"license_url": licence["path"]} if licence.get("path") else {}),
        "source": "；".join(s["title"] for s in package["sources"]),
        "databases": {DATABASE: {
            "title": package["title"],
            "tables": {r["name"]: {
                "title": r["title"],
                "description": r["description"],
                # Chinese name and description first (the Table Schema's, publishing.metadata)
                "columns": {f["name"]: f.get("description") or f.get("title", "")
                            for f in r["schema"]["fields"]},
                **({"label_column": LABELS[r["name"]]} if r["name"] in LABELS else {}),
            } for r in package["resources"]},
        }},
    }
