"""The read-only DuckDB snapshot: every table of the marts schema copied into a new file, with
the dbt YAML's table and column descriptions as DuckDB comments (what BI tools show beside a
table or column), checkpointed, closed and renamed over the old one. Readers holding the old file open keep
reading it (the rename does not touch their open file); new readers get the new one."""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

import vendor

from .files import temp_path
from .metadata import PUBLISHED_SCHEMA, TableDoc
from .tiers import Tier, admitted_indicators, cut_table

SNAPSHOT_NAME = "bazhong.duckdb"
# Readable by DuckDB 1.4+ clients (BI drivers embed older DuckDB than the pipeline's).
SNAPSHOT_STORAGE_VERSION = "v1.4.0"
DUCKDB_OFFLINE: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False, "autoload_known_extensions": False}


def marts_fingerprint(warehouse_path: str | Path, described: str) -> str:
    """What the published files are made of: every marts table's columns, types and rows (an
    order-free sum of row hashes, floats to 12 significant digits), the descriptions they
    carry (`described`) and the publishing code itself (a new dashboard template is a change too)."""
    digest = hashlib.sha256(described.encode())
    for code in sorted(Path(__file__).parent.glob("*.*")):
        if code.suffix in {".py", ".html"}:
            digest.update(code.name.encode() + code.read_bytes())
    digest.update((vendor.HERE / "npm.json").read_bytes())  # the pinned ECharts the dashboard inlines
    con = duckdb.connect(":memory:", config=DUCKDB_OFFLINE)
    try:
        con.execute(f"ATTACH '{warehouse_path}' AS warehouse (READ_ONLY)")
        columns = con.execute(
            "SELECT table_name, list(column_name ORDER BY column_index), "
            "list(data_type ORDER BY column_index) "
            "FROM duckdb_columns() WHERE database_name = 'warehouse' AND schema_name = ? "
            "GROUP BY table_name ORDER BY table_name", [PUBLISHED_SCHEMA]).fetchall()
        for table, names, types in columns:
            # floats at 12 significant digits: a mean summed in another order by a parallel
            # rebuild differs in its last bits, and is the same figure
            values = ", ".join(f'printf(\'%.12g\', "{n}")' if t in {"DOUBLE", "FLOAT"} else f'"{n}"'
                               for n, t in zip(names, types, strict=True))
            rows = con.execute(f'SELECT count(*), sum(hash({values})::HUGEINT) FROM '
                               f'warehouse.{PUBLISHED_SCHEMA}."{table}"').fetchone()
            digest.update(repr((table, names, types, rows)).encode())
    finally:
        con.close()
    return digest.hexdigest()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]  # table → rows published
    withheld: dict[str, dict[str, str]]  # table → column → why the tier does not get it
    tables_withheld: list[str]  # tables with nothing left for the tier


def write_snapshot(warehouse_path: str | Path, out_dir: Path, docs: dict[str, TableDoc],
                   tier: Tier) -> Snapshot:
    """out_dir/bazhong.duckdb: the marts as `tier` may have them (publishing.tiers), with
    `docs` (publishing.table_docs) as table and column comments."""
    out_dir.mkdir(parents=True, exist_ok=True)
    snapshot = out_dir / SNAPSHOT_NAME
    tmp = temp_path(snapshot)
    counts: dict[str, int] = {}
    withheld: dict[str, dict[str, str]] = {}
    tables_withheld: list[str] = []
    con = duckdb.connect(":memory:", config=DUCKDB_OFFLINE)
    try:
        con.execute(f"ATTACH '{warehouse_path}' AS warehouse (READ_ONLY)")
        con.execute(f"ATTACH '{tmp}' AS snapshot (STORAGE_VERSION '{SNAPSHOT_STORAGE_VERSION}')")
        admitted = admitted_indicators(con, f"warehouse.{PUBLISHED_SCHEMA}.dim_indicator", tier)
        tables = con.execute(
            "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
            "WHERE database_name = 'warehouse' AND schema_name = ? GROUP BY table_name "
            "ORDER BY table_name", [PUBLISHED_SCHEMA]).fetchall()
        for table, columns in tables:
            doc = docs.get(table) or TableDoc(table, "")
            cut = cut_table(f'warehouse.{PUBLISHED_SCHEMA}."{table}"', columns, doc, admitted, tier)
            if cut is None:
                tables_withheld.append(table)
                continue
            if cut.withheld:
                withheld[table] = cut.withheld
            # in a stable order (every column, left to right: keys come first), so a release's
            # files do not change with the order a parallel rebuild happened to leave rows in
            con.execute(f'CREATE TABLE snapshot.main."{table}" AS SELECT * FROM ({cut.sql}) ORDER BY ALL')
            counts[table] = con.execute(f'SELECT count(*) FROM snapshot.main."{table}"').fetchall()[0][0]
            if doc.description:
                con.execute(f'COMMENT ON TABLE snapshot.main."{table}" IS {_literal(doc.description)}')
            for column in cut.columns:
                if description := doc.describe(column):
                    con.execute(f'COMMENT ON COLUMN snapshot.main."{table}"."{column}" '
                                f'IS {_literal(description)}')
        con.execute("CHECKPOINT snapshot")
        con.execute("DETACH snapshot")
    finally:
        con.close()
    os.replace(tmp, snapshot)
    return Snapshot(counts, withheld, tables_withheld)


def open_snapshot(publish_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(publish_dir / SNAPSHOT_NAME), read_only=True, config=DUCKDB_OFFLINE)
