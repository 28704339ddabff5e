"""The read-only DuckDB snapshot: every table of the marts schema copied into a new file, with
the dbt YAML's table and column descriptions as DuckDB comments (what BI tools show beside a
table or column) and its primary and foreign keys (from the dbt tests), checkpointed, closed
and renamed over the old one. Readers holding the old file open keep reading it (the rename
does not touch their open file); new readers get the new one.

Everything a tier publishes is made from its snapshot, so what readers must not meet is
stopped here: floating-point noise (81.48599999999999 is 81.486: doubles keep 12 significant
digits, more than any input carries) and HUGEINT (pandas reads it as Decimal objects)."""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

import vendor

from .files import PublishError, temp_path
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


SIGNIFICANT_DIGITS = 12


def _column(table: str, name: str, kind: str) -> str:
    """The published value of a column: doubles without their noise; no HUGEINT."""
    if kind == "HUGEINT":
        raise PublishError(f"{table}.{name} is HUGEINT (a sum of integers in DuckDB): pandas reads it "
                           "as Decimal objects and Spark has no such type; cast it to BIGINT in the model")
    if kind in {"DOUBLE", "FLOAT"}:
        return f'CAST(printf(\'%.{SIGNIFICANT_DIGITS}g\', "{name}") AS {kind}) AS "{name}"'
    return f'"{name}"'


def _in_key_order(tables: list[str], docs: dict[str, TableDoc]) -> list[str]:
    """Tables ordered so that each comes after the tables its foreign keys reference."""
    ordered: list[str] = []

    def visit(table: str, path: tuple[str, ...]) -> None:
        if table in ordered or table in path or table not in tables:
            return
        for _, target, _ in (docs[table].foreign_keys if table in docs else ()):
            visit(target, (*path, table))
        ordered.append(table)

    for table in tables:
        visit(table, ())
    return ordered


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
        columns_of = dict(con.execute(
            "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
            "WHERE database_name = 'warehouse' AND schema_name = ? GROUP BY table_name "
            "ORDER BY table_name", [PUBLISHED_SCHEMA]).fetchall())
        keyed: dict[str, tuple[str, ...]] = {}  # table → its primary key, as created
        con.execute("USE snapshot")  # a foreign key names its table unqualified
        for table in _in_key_order(sorted(columns_of), docs):
            doc = docs.get(table) or TableDoc(table, "")
            cut = cut_table(f'warehouse.{PUBLISHED_SCHEMA}."{table}"', columns_of[table], doc, admitted, tier)
            if cut is None:
                tables_withheld.append(table)
                continue
            if cut.withheld:
                withheld[table] = cut.withheld
            described = con.execute(f"DESCRIBE {cut.sql}").fetchall()
            definitions = [f'"{name}" {kind}' for name, kind, *_ in described]
            if doc.primary_key and set(doc.primary_key) <= set(cut.columns):
                definitions.append(f"PRIMARY KEY ({', '.join(doc.primary_key)})")
                keyed[table] = doc.primary_key
            definitions += [f"FOREIGN KEY ({', '.join(cols)}) REFERENCES {target} ({', '.join(ref)})"
                            for cols, target, ref in doc.foreign_keys
                            if keyed.get(target) == ref and set(cols) <= set(cut.columns)]
            con.execute(f'CREATE TABLE snapshot.main."{table}" ({", ".join(definitions)})')
            # in a stable order (every column, left to right: keys come first), so a release's
            # files do not change with the order a parallel rebuild happened to leave rows in
            values = ", ".join(_column(table, name, kind) for name, kind, *_ in described)
            con.execute(f'INSERT INTO snapshot.main."{table}" SELECT {values} FROM ({cut.sql}) ORDER BY ALL')
            counts[table] = con.execute(f'SELECT count(*) FROM snapshot.main."{table}"').fetchall()[0][0]
            if comment := doc.table_comment():
                con.execute(f'COMMENT ON TABLE snapshot.main."{table}" IS {_literal(comment)}')
            for column in cut.columns:
                if description := doc.comment(column):
                    con.execute(f'COMMENT ON COLUMN snapshot.main."{table}"."{column}" '
                                f'IS {_literal(description)}')
        con.execute("USE memory")
        con.execute("CHECKPOINT snapshot")
        con.execute("DETACH snapshot")
    finally:
        con.close()
    os.replace(tmp, snapshot)
    return Snapshot(counts, withheld, tables_withheld)


def open_snapshot(publish_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(publish_dir / SNAPSHOT_NAME), read_only=True, config=DUCKDB_OFFLINE)
