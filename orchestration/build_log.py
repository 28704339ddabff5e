"""Nothing new, nothing rebuilt: the dbt step skips `dbt build` when its inputs are what the
last build had and that build's run succeeded (so its marts were checked and published).

Inputs: the landed loads (raw.load_log), the code (the dbt project, this project's Python
packages and data files, the versions of dbt, DuckDB, GX and Dagster), dbt's vars, the settings
the publish reads, and the selected assets and checks; and the warehouse's tables and views
must be those the build left (one dropped by hand is built again). Kept in
raw.build_log, one row per build: 'started' before dbt runs, 'succeeded' or 'failed' after. A
build that stopped halfway leaves 'started' or 'failed' as the last row, so the next run builds.
`python -m orchestration run --rebuild` (run tag bazhong/rebuild) builds regardless.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

import duckdb

from .settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CODE = ["orchestration", "expectations", "publishing", "ingestion"]  # their files, not __pycache__
VERSIONS = ["dbt-core", "dbt-duckdb", "duckdb", "great_expectations", "dagster", "dagster-dbt"]
REBUILD_TAG = "bazhong/rebuild"
UNCHANGED_TAG = "bazhong/warehouse_unchanged_since"  # on a run that skipped dbt: the run it matched

DDL = """CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.build_log (
    run_id VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    finished_at TIMESTAMPTZ,
    inputs_sha256 VARCHAR NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('started', 'succeeded', 'failed')),
    relations VARCHAR  -- the warehouse's tables and views when the build ended
)"""


def code_fingerprint(dbt_project_dir: Path) -> str:
    """The code a build runs: the dbt project, this project's packages (Python and data files)
    and the versions of the libraries that read or write the warehouse."""
    from publishing.dbt_docs import docs_fingerprint

    digest = hashlib.sha256(docs_fingerprint(dbt_project_dir).encode())
    for name in VERSIONS:
        digest.update(f"{name}=={importlib.metadata.version(name)}\0".encode())
    files = (f for package in CODE for f in (ROOT / package).rglob("*")
             if f.is_file() and "__pycache__" not in f.parts)
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def publish_settings(settings: Settings) -> str:
    """What the steps after dbt read from the settings (the exchange database and who may read
    it, how many releases are kept): a change to one is something new for them."""
    consumers = settings.exchange_consumers.read_bytes() if settings.exchange_consumers.is_file() else b""
    read = repr((settings.exchange_dsn, sorted(settings.exchange_passwords.items()), settings.releases_kept))
    return hashlib.sha256(read.encode() + b"\0" + consumers).hexdigest()


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, code: str, selection: list[str],
                       dbt_args: list[str], publishing: str = "") -> str:
    try:
        loads = con.execute("SELECT coalesce(string_agg(load_id, ',' ORDER BY load_id), '') "
                               "FROM raw.load_log WHERE status = 'landed'").fetchall()[0][0]
    except duckdb.CatalogException:  # no load yet
        loads = ""
    state = {"code": code, "selection": sorted(selection), "dbt_args": dbt_args, "publishing": publishing,
             "loads": hashlib.sha256(loads.encode()).hexdigest()}
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def relations(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse's tables and views outside raw: one dropped by hand is built again."""
    return con.execute("SELECT coalesce(string_agg(schema_name || '.' || name, ',' "
                       "ORDER BY schema_name, name), '') "
                       "FROM (SELECT schema_name, table_name AS name FROM duckdb_tables() UNION ALL "
                       "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal) "
                       "WHERE schema_name <> 'raw'").fetchall()[0][0]


def last_build(con: duckdb.DuckDBPyConnection) -> tuple[str, str, str, str | None] | None:
    """(run id, inputs, status, relations after it) of the latest build, None before the first."""
    con.execute(DDL)
    rows = con.execute("SELECT run_id, inputs_sha256, status, relations FROM raw.build_log "
                       "ORDER BY started_at DESC LIMIT 1").fetchall()
    return rows[0] if rows else None


def start_build(con: duckdb.DuckDBPyConnection, run_id: str, inputs: str) -> None:
    con.execute(DDL)
    con.execute("INSERT INTO raw.build_log (run_id, inputs_sha256, status) VALUES (?, ?, 'started')",
                [run_id, inputs])


def finish_build(con: duckdb.DuckDBPyConnection, run_id: str, succeeded: bool) -> None:
    con.execute("UPDATE raw.build_log SET status = ?, finished_at = current_timestamp, relations = ? "
                "WHERE run_id = ? AND status = 'started'",
                ["succeeded" if succeeded else "failed", relations(con), run_id])
