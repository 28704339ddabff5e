"""Every validation kept: one row per suite and batch in raw.dq_results, next to the load log
and the quarantine. A raw load never changes once landed, so a load already validated by the
same suite version is not validated again: its stored result is reused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from .runner import Failure, ValidationOutcome

DQ_RESULTS_DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.dq_results (
    checked_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR,
    asset_key VARCHAR NOT NULL,              -- e.g. raw/waste_domestic_waste, marts/mart_carbon
    check_name VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    suite_version VARCHAR NOT NULL,          -- changes whenever a rule of the suite changes
    partition_key VARCHAR NOT NULL,          -- raw: the load id; marts: 'all'
    passed BOOLEAN NOT NULL,                 -- no error-level finding
    rows_validated BIGINT NOT NULL,
    expectations_evaluated INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    findings JSON NOT NULL                   -- each rule broken: expectation, column, severity,
                                             -- unexpected_count, examples
)
"""


def stored_outcomes(con: duckdb.DuckDBPyConnection, suite: str, version: str,
                    partitions: list[str]) -> dict[str, ValidationOutcome]:
    """The latest stored outcome of each partition already validated by this suite version."""
    con.execute(DQ_RESULTS_DDL)
    rows = con.execute("""
        SELECT partition_key, expectations_evaluated, findings FROM raw.dq_results
        WHERE suite = ? AND suite_version = ? AND partition_key IN (SELECT unnest(?::VARCHAR[]))
        QUALIFY row_number() OVER (PARTITION BY partition_key ORDER BY checked_at DESC) = 1
    """, [suite, version, partitions]).fetchall()
    return {p: ValidationOutcome(suite, evaluated, [Failure(**f) for f in json.loads(findings)])
            for p, evaluated, findings in rows}


def record(con: duckdb.DuckDBPyConnection, *, run_id: str | None, asset_key: str,
           check_name: str, version: str, outcomes: dict[str, tuple[int, ValidationOutcome]]) -> None:
    """One row per partition validated: partition → (rows validated, outcome)."""
    con.execute(DQ_RESULTS_DDL)
    now = datetime.now(UTC)
    # as one Arrow table: a feed validates thousands of loads at once, and a prepared
    # statement per row costs about a millisecond each
    table = pa.table({
        "checked_at": [now] * len(outcomes), "run_id": [run_id] * len(outcomes),
        "asset_key": [asset_key] * len(outcomes), "check_name": [check_name] * len(outcomes),
        "suite": [o.suite for _, o in outcomes.values()], "suite_version": [version] * len(outcomes),
        "partition_key": list(outcomes), "passed": [o.passed for _, o in outcomes.values()],
        "rows_validated": [rows for rows, _ in outcomes.values()],
        "expectations_evaluated": [o.evaluated for _, o in outcomes.values()],
        "errors": [len(o.errors) for _, o in outcomes.values()],
        "warnings": [len(o.warnings) for _, o in outcomes.values()],
        "findings": [json.dumps([f.as_dict() for f in o.failures], ensure_ascii=False, default=str)
                     for _, o in outcomes.values()]})
    con.register("dq_results_new", table)
    try:
        con.execute("INSERT INTO raw.dq_results BY NAME SELECT * FROM dq_results_new")
    finally:
        con.unregister("dq_results_new")
