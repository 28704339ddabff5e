"""Raw landing: archive the fetched bytes, then land every row in the raw table or in
quarantine, in one transaction, and record the load in the load log.

Invariants (DESIGN.md, Contracts → Raw): values are stored as received (text); rows received
= landed + quarantined; the same bytes for the same dataset are never landed twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from .catalog import LOAD_COLUMNS, Dataset
from .connectors import FetchedFile
from .contract import apply_contract
from .contract_sql import land_csv_sql
from .parsers import LoadError, parse, refuse_html

log = logging.getLogger(__name__)

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
    CHECK (status = 'failed' OR rows_received = rows_landed + rows_quarantined)
);
-- where the bytes came from after redirects (NULL: from source_uri); warehouses made before it
ALTER TABLE raw.load_log ADD COLUMN IF NOT EXISTS final_uri VARCHAR;
CREATE TABLE IF NOT EXISTS raw.quarantine (
    load_id VARCHAR NOT NULL,
    dataset_id VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,
    rule VARCHAR NOT NULL,
    field VARCHAR,
    message VARCHAR NOT NULL,
    record VARCHAR NOT NULL,
    PRIMARY KEY (load_id, row_number)
);
"""


# Which source a load came from: its URI without scheme and host, so the same file read from
# the portal on another port (or a mirror) is the same source.
SOURCE_KEY = "regexp_replace(source_uri, '^[a-z]+://[^/]*', '')"


@dataclass(frozen=True)
class LoadResult:
    dataset_id: str
    source_uri: str
    sha256: str
    status: str  # landed | unchanged (same bytes already landed)
    load_id: str | None = None
    rows_received: int = 0
    rows_landed: int = 0
    rows_quarantined: int = 0


def ensure_raw_table(con: duckdb.DuckDBPyConnection, ds: Dataset) -> None:
    con.execute(DDL)
    cols = ", ".join([f'"{n}" VARCHAR' for n in ds.field_names] +
                     [f"{n} {t}" for n, (t, _) in LOAD_COLUMNS.items()])
    con.execute(f"CREATE TABLE IF NOT EXISTS {ds.raw_table} ({cols})")
    # A field added to the contract later becomes a new (empty for old loads) column.
    existing = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = ?", [ds.id]).fetchall()}
    for name in ds.field_names:
        if name not in existing:
            con.execute(f'ALTER TABLE {ds.raw_table} ADD COLUMN "{name}" VARCHAR')


def archive(data: bytes, sha256: str, ds: Dataset, archive_dir: Path) -> Path:
    """Keep the fetched bytes, named by checksum, written atomically."""
    target = archive_dir / ds.id / f"{sha256}.{ds.format}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return target


def make_load_id(ds: Dataset, fetched_at: datetime, sha256: str) -> str:
    # Sorts by fetch time, so "latest vintage" is also the greatest load id.
    return f"{fetched_at:%Y%m%dT%H%M%S%fZ}-{ds.id}-{sha256[:12]}"


def land(con: duckdb.DuckDBPyConnection, ds: Dataset, fetched: FetchedFile,
         archive_dir: Path) -> LoadResult:
    """Land one fetched file. Raises LoadError (after logging a failed load) when the file as a
    whole cannot be read; then no row of it is landed."""
    ensure_raw_table(con, ds)
    sha256 = hashlib.sha256(fetched.data).hexdigest()
    # Unchanged: the bytes this source last landed, or (a source seen for the first time)
    # bytes already landed from another. A source going back to earlier bytes (a corrected
    # file replacing a bad one) is a change: it lands again as the newest vintage.
    seen = con.execute(f"""
        WITH latest AS (
            SELECT load_id, source_sha256 FROM raw.load_log
            WHERE dataset_id = $dataset AND {SOURCE_KEY} = {SOURCE_KEY.replace('source_uri', '$uri')}
              AND status = 'landed'
            ORDER BY fetched_at DESC, load_id DESC LIMIT 1)
        SELECT load_id FROM latest WHERE source_sha256 = $sha
        UNION ALL
        SELECT load_id FROM raw.load_log
        WHERE dataset_id = $dataset AND source_sha256 = $sha AND status = 'landed'
          AND NOT EXISTS (SELECT 1 FROM latest)
        LIMIT 1""", {"dataset": ds.id, "uri": fetched.uri, "sha": sha256}).fetchone()
    if seen:
        log.info("%s: %s unchanged (sha256 %s already landed as %s)",
                 ds.id, fetched.uri, sha256[:12], seen[0])
        return LoadResult(ds.id, fetched.uri, sha256, "unchanged", load_id=seen[0])

    archive_path = archive(fetched.data, sha256, ds, archive_dir)
    load_id = make_load_id(ds, fetched.fetched_at, sha256)
    log_row = [load_id, ds.id, fetched.uri, fetched.final_uri, sha256, str(archive_path), fetched.fetched_at]
    try:
        refuse_html(fetched.data, ds.format, dataset_id=ds.id, uri=fetched.uri)
        if ds.landing == "duckdb":
            landed_in_sql = _land_sql(con, ds, fetched, archive_path, load_id, sha256, log_row)
            if landed_in_sql:
                return landed_in_sql
            log.info("%s: %s has blank lines or quoted line breaks: the Python contract lands it",
                     ds.id, fetched.uri)
        result = apply_contract(
            ds, parse(fetched.data, ds.format, ds.encoding, dataset_id=ds.id, uri=fetched.uri),
            fetched.uri)
    except LoadError as exc:
        con.execute("INSERT INTO raw.load_log (load_id, dataset_id, source_uri, final_uri, source_sha256, "
                    "archive_path, fetched_at, rows_received, rows_landed, rows_quarantined, "
                    "status, error) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 'failed', ?)",
                    [*log_row, str(exc)])
        raise

    # rows as they came, then the load's constant columns added column-wise (not per row)
    landed = pl.DataFrame(
        result.landed,
        schema={**dict.fromkeys([*ds.field_names, "_extra"], pl.String), "_row_number": pl.Int32},
    ).with_columns(
        pl.lit(load_id, pl.String).alias("_load_id"),
        pl.lit(fetched.uri, pl.String).alias("_source_uri"),
        pl.lit(sha256, pl.String).alias("_source_sha256"),
        pl.lit(fetched.fetched_at, pl.Datetime("us", "UTC")).alias("_fetched_at"),
    )
    rejected = pl.DataFrame(
        [{"load_id": load_id, "dataset_id": ds.id, "row_number": r.row_number, "rule": r.rule,
          "field": r.field, "message": r.message, "record": r.record} for r in result.rejected],
        schema={"load_id": pl.String, "dataset_id": pl.String, "row_number": pl.Int32,
                "rule": pl.String, "field": pl.String, "message": pl.String, "record": pl.String},
    )
    con.register("landing_rows", landed.to_arrow())
    con.register("quarantine_rows", rejected.to_arrow())
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"INSERT INTO {ds.raw_table} BY NAME SELECT * FROM landing_rows")
        con.execute("INSERT INTO raw.quarantine BY NAME SELECT * FROM quarantine_rows")
        con.execute("INSERT INTO raw.load_log (load_id, dataset_id, source_uri, final_uri, source_sha256, "
                    "archive_path, fetched_at, rows_received, rows_landed, rows_quarantined, "
                    "status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'landed')",
                    [*log_row, result.received, len(result.landed), len(result.rejected)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("landing_rows")
        con.unregister("quarantine_rows")
    for r in result.rejected:
        log.warning("quarantined %s", r.message)
    return LoadResult(ds.id, fetched.uri, sha256, "landed", load_id, result.received,
                      len(result.landed), len(result.rejected))


def _land_sql(con: duckdb.DuckDBPyConnection, ds: Dataset, fetched: FetchedFile, archive_path: Path,
              load_id: str, sha256: str, log_row: list) -> LoadResult | None:
    """The contract in DuckDB SQL (ingestion/contract_sql.py), one transaction; None when the
    file must go through the Python contract instead."""
    constants = {"load_id": load_id, "uri": fetched.uri, "sha": sha256, "fetched_at": fetched.fetched_at}
    con.execute("BEGIN TRANSACTION")
    try:
        counts = land_csv_sql(con, ds, archive_path, fetched.data, fetched.uri, constants)
        if counts is None:
            con.execute("ROLLBACK")
            return None
        con.execute("INSERT INTO raw.load_log (load_id, dataset_id, source_uri, final_uri, source_sha256, "
                    "archive_path, fetched_at, rows_received, rows_landed, rows_quarantined, "
                    "status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'landed')", [*log_row, *counts])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    for rule, _, rows, messages in quarantined_by_rule(con, load_id):
        log.warning("quarantined %d row(s) by %s, e.g. %s", rows, rule, messages[0])
    return LoadResult(ds.id, fetched.uri, sha256, "landed", load_id, *counts)


def quarantined_by_rule(con: duckdb.DuckDBPyConnection, load_id: str) -> list[tuple]:
    """(rule, field, rows, first messages) for one load's quarantined rows."""
    con.execute(DDL)
    return con.execute("""
        SELECT rule, any_value(field ORDER BY row_number), count(*),
               list(message ORDER BY row_number)[:5]
        FROM raw.quarantine WHERE load_id = ? GROUP BY rule ORDER BY rule
    """, [load_id]).fetchall()
