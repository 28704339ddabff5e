"""The load log, read and written once for landing, the raw gate and its profile: which loads
landed, the newest of each source file (exactly the batches downstream reads), the bytes a
source already sent, the quarantine of a load by rule, a fetch that failed; a load's id, its
result and its archived bytes."""

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from .catalog import Dataset
from .raw_tables import ensure_schema

# Which source a load came from: its URI without scheme and host, so the same file read from
# the portal on another port (or a mirror) is the same source; percent-decoded, so a drop
# file named in Chinese is one source whether its URI was written encoded (before) or not.
SOURCE_KEY = "url_decode(regexp_replace(source_uri, '^[a-z]+://[^/]*', ''))"


def landed_loads_sql(dataset_id: str) -> str:
    """Every landed load of the dataset (raw.load_log rows), with its source key as `source`."""
    return (f"SELECT *, {SOURCE_KEY} AS source FROM raw.load_log "
            f"WHERE dataset_id = '{dataset_id}' AND status = 'landed'")


def latest_loads_sql(dataset_id: str) -> str:
    """The newest landed load of each source file of the dataset: the vintage staging keeps."""
    return (f"{landed_loads_sql(dataset_id)} "
            "QUALIFY row_number() OVER (PARTITION BY source ORDER BY fetched_at DESC, load_id DESC) = 1")


def quarantined_by_rule(con: duckdb.DuckDBPyConnection,
                        load_ids: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Load id → (rule, field, rows or cells, first messages) of its quarantine, for the loads
    given (one query however many)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for load_id, *rest in con.execute("""
        SELECT load_id, rule, any_value(field ORDER BY row_number), count(*),
               list(message ORDER BY row_number)[:5]
        FROM raw.quarantine WHERE load_id IN (SELECT unnest($load_ids::VARCHAR[])) GROUP BY ALL ORDER BY ALL
    """, {"load_ids": load_ids}).fetchall():
        found.setdefault(load_id, []).append(tuple(rest))
    return found


def landed_before(con: duckdb.DuckDBPyConnection, ds: Dataset,
                   files: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(uri, sha256) → the load that already landed these bytes: the ones this source last
    landed, or (a source seen for the first time) the same bytes from another. A source going
    back to earlier bytes (a corrected file replacing a bad one) is a change: it lands again.
    One query for the batch."""
    key = SOURCE_KEY.replace("source_uri", "files.uri")
    rows = con.execute(f"""
        WITH files AS (SELECT unnest($uris) AS uri, unnest($shas) AS sha),
        landed AS ({landed_loads_sql(ds.id)}),
        latest AS ({latest_loads_sql(ds.id)})
        SELECT files.uri, files.sha, CASE
            WHEN latest.source IS NOT NULL
                THEN CASE WHEN latest.source_sha256 = files.sha THEN latest.load_id END
            ELSE (SELECT min(load_id) FROM landed WHERE landed.source_sha256 = files.sha) END
        FROM files LEFT JOIN latest ON latest.source = {key}""",
        {"uris": [u for u, _ in files], "shas": [s for _, s in files]}).fetchall()
    return {(uri, sha): load_id for uri, sha, load_id in rows if load_id}


def log_fetch_failure(con: duckdb.DuckDBPyConnection, ds: Dataset, uri: str, error: str) -> str:
    """A source that could not be fetched leaves a failed raw.load_log row too (no bytes, so no
    checksum or archive): the load log is where an operator sees every attempt. Returns its id."""
    ensure_schema(con)
    now = datetime.now(UTC)
    load_id = f"{now:%Y%m%dT%H%M%S%fZ}-{ds.id}-fetch-failed"
    con.execute("INSERT INTO raw.load_log (load_id, dataset_id, source_uri, source_sha256, archive_path, "
                "fetched_at, rows_received, rows_landed, rows_quarantined, status, error) "
                "VALUES (?, ?, ?, '', '', ?, 0, 0, 0, 'failed', ?)", [load_id, ds.id, uri, now, error])
    return load_id


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
    cells_received: int = 0
    cells_landed: int = 0
    cells_quarantined: int = 0


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
