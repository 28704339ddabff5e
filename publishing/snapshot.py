"""The read-only DuckDB snapshot: every table of the marts schema copied into a new file, with
the dbt YAML's table and column descriptions as DuckDB comments (what BI tools show beside a
table or column), checkpointed, closed and renamed over the old one. Readers holding the old file open keep
reading it (the rename does not touch their open file); new readers get the new one."""

import hashlib
import os
from pathlib import Path

import duckdb

from .files import temp_path
from .metadata import PUBLISHED_SCHEMA, TableDoc

SNAPSHOT_NAME = "bazhong.duckdb"
# Readable by DuckDB 1.4+ clients (BI drivers embed older DuckDB than the pipeline's).
SNAPSHOT_STORAGE_VERSION = "v1.4.0"
DUCKDB_OFFLINE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def marts_fingerprint(warehouse_path: str | Path, described: str) -> str:
    """What the published files are made of: every marts table's columns, types and rows (an
    order-free sum of row hashes), the descriptions they carry (`described`) and the
    publishing code itself (a new dashboard template is a change too)."""
    digest = hashlib.sha256(described.encode())
    for code in sorted(Path(__file__).parent.glob("*.*")):
        if code.suffix in {".py", ".html"}:
            digest.update(code.name.encode() + code.read_bytes())
    con = duckdb.connect(":memory:", config=DUCKDB_OFFLINE)
    try:
        con.execute(f"ATTACH '{warehouse_path}' AS warehouse (READ_ONLY)")
        columns = con.execute(
            "SELECT table_name, list(column_name || ' ' || data_type ORDER BY column_index) "
            "FROM duckdb_columns() WHERE database_name = 'warehouse' AND schema_name = ? "
            "GROUP BY table_name ORDER BY table_name", [PUBLISHED_SCHEMA]).fetchall()
        for table, described_columns in columns:
            rows = con.execute(f'SELECT count(*), sum(hash(t)::HUGEINT) FROM '
                               f'warehouse.{PUBLISHED_SCHEMA}."{table}" AS t').fetchone()
            digest.update(repr((table, described_columns, rows)).encode())
    finally:
        con.close()
    return digest.hexdigest()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_snapshot(warehouse_path: str | Path, publish_dir: Path,
                   docs: dict[str, TableDoc]) -> dict[str, int]:
    """Returns rows per table published. `docs` (publishing.table_docs) become comments."""
    publish_dir.mkdir(parents=True, exist_ok=True)
    snapshot = publish_dir / SNAPSHOT_NAME
    tmp = temp_path(snapshot)
    counts: dict[str, int] = {}
    con = duckdb.connect(":memory:", config=DUCKDB_OFFLINE)
    try:
        con.execute(f"ATTACH '{warehouse_path}' AS warehouse (READ_ONLY)")
        con.execute(f"ATTACH '{tmp}' AS snapshot (STORAGE_VERSION '{SNAPSHOT_STORAGE_VERSION}')")
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'warehouse' "
            "AND schema_name = ? ORDER BY table_name", [PUBLISHED_SCHEMA]).fetchall()]
        for table in tables:
            con.execute(f'CREATE TABLE snapshot.main."{table}" AS '
                        f'SELECT * FROM warehouse.{PUBLISHED_SCHEMA}."{table}"')
            counts[table] = con.execute(f'SELECT count(*) FROM snapshot.main."{table}"').fetchone()[0]
            doc = docs.get(table)
            if doc and doc.description:
                con.execute(f'COMMENT ON TABLE snapshot.main."{table}" IS {_literal(doc.description)}')
            for column, description in (doc.columns if doc else {}).items():
                if description:
                    con.execute(f'COMMENT ON COLUMN snapshot.main."{table}"."{column}" '
                                f'IS {_literal(description)}')
        con.execute("CHECKPOINT snapshot")
        con.execute("DETACH snapshot")
    finally:
        con.close()
    os.replace(tmp, snapshot)
    return counts


def open_snapshot(publish_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(publish_dir / SNAPSHOT_NAME), read_only=True, config=DUCKDB_OFFLINE)
