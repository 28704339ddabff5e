"""The raw schema's tables, created and migrated in place: the load log, the quarantine, and
each dataset's raw table (a DuckDB table, or a view over Parquet files: raw_files)."""

import duckdb

from . import raw_files
from .catalog import Dataset
from .contract import parsed
from .raw_schema import raw_columns

DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.load_log (
    load_id VARCHAR PRIMARY KEY,
    dataset_id VARCHAR NOT NULL,
    source_uri VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    archive_path VARCHAR NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    landed_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    rows_received INTEGER NOT NULL,
    rows_landed INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('landed', 'failed')),
    final_uri VARCHAR,
    error VARCHAR,
    cells_received INTEGER,
    cells_landed INTEGER,
    cells_quarantined INTEGER,
    CHECK (status = 'failed' OR rows_received = rows_landed + rows_quarantined),
    CHECK (status = 'failed' OR cells_received = cells_landed + cells_quarantined)
);
-- columns added since the first release, for warehouses made before them
ALTER TABLE raw.load_log ADD COLUMN IF NOT EXISTS final_uri VARCHAR;
ALTER TABLE raw.load_log ADD COLUMN IF NOT EXISTS cells_received INTEGER;
ALTER TABLE raw.load_log ADD COLUMN IF NOT EXISTS cells_landed INTEGER;
ALTER TABLE raw.load_log ADD COLUMN IF NOT EXISTS cells_quarantined INTEGER;
CREATE TABLE IF NOT EXISTS raw.quarantine (
    load_id VARCHAR NOT NULL,
    dataset_id VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,
    scope VARCHAR NOT NULL CHECK (scope IN ('row', 'cell')),  -- the whole row, or one cell of it
    rule VARCHAR NOT NULL,
    field VARCHAR,
    message VARCHAR NOT NULL,
    record VARCHAR NOT NULL
);
"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)
    # before cell-level quarantine, (load_id, row_number) was the key and there was no scope
    if not con.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = 'raw' "
                       "AND table_name = 'quarantine' AND column_name = 'scope'").fetchone():
        con.execute("""
            CREATE TABLE raw.quarantine_v2 AS SELECT load_id, dataset_id, row_number, 'row' AS scope,
                rule, field, message, record FROM raw.quarantine;
            DROP TABLE raw.quarantine;
            ALTER TABLE raw.quarantine_v2 RENAME TO quarantine""")
        con.execute(DDL)


def ensure_raw_table(con: duckdb.DuckDBPyConnection, ds: Dataset) -> None:
    ensure_schema(con)
    if ds.storage == "parquet":
        raw_files.ensure(con, ds)
        return
    columns = raw_columns(ds)
    types = raw_files.column_types(ds)
    cols = ", ".join(f'"{n}" {t}' for n, t in types.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {ds.raw_table} ({cols})")
    # A field added to the contract later becomes a new (empty for old loads) column; a typed
    # column added later is filled from the text by the contract's own expressions.
    existing = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = ?", [ds.id]).fetchall()}
    added = [n for n, _, _ in columns if n not in existing]
    for name in added:
        con.execute(f'ALTER TABLE {ds.raw_table} ADD COLUMN "{name}" {types[name]}')
    typed = {f.name: ds.typed_column(f.name) for f in ds.fields if ds.typed_column(f.name) in added
             and f.name in existing}
    if typed:
        col = {name: f'"{name}"' for name in typed}
        con.execute(f"""
            UPDATE {ds.raw_table} SET {', '.join(f'"{t}" = typed.t_{n}' for n, t in typed.items())}
            FROM ({parsed(ds, col, f"(SELECT rowid AS id, * FROM {ds.raw_table})")}) AS typed
            WHERE {ds.raw_table}.rowid = typed.id""")
