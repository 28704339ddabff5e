"""The exchange database (前置库) as a service: load the shared tier's release into it (the
`published/exchange` asset and `make serve-shared`), run the project's own PostgreSQL for it
(`make serve-shared`), and report who read what (`python -m orchestration audit-report`)."""

from __future__ import annotations

import contextlib
import hashlib
import signal
import threading
from datetime import date
from pathlib import Path

from publishing import (
    SNAPSHOT_NAME,
    ExchangeRelease,
    audit_report,
    format_report,
    load_consumers,
    publish_exchange,
    table_docs,
)
from publishing.snapshot import open_snapshot

from .settings import Settings

SHARED = "shared"  # the tier the exchange database serves


def release_fingerprint(settings: Settings, snapshot_fingerprint: str | None, today: date) -> str:
    """What a load of the exchange database is made of: the shared snapshot, the consumers file
    and the day (an approval expires at a day's end, so the next day's publish revokes it)."""
    consumers = settings.exchange_consumers.read_bytes() if settings.exchange_consumers.exists() else b""
    return hashlib.sha256(f"{snapshot_fingerprint}|{today}|".encode() + consumers).hexdigest()


def load_release(settings: Settings, dsn: str, manifest: Path, release: str,
                 today: date | None = None) -> ExchangeRelease:
    """The shared snapshot into the exchange database at `dsn`, granted per the consumers file."""
    snapshot = settings.publish_dir / SHARED / SNAPSHOT_NAME
    if not snapshot.exists():
        raise FileNotFoundError(f"{snapshot}: no shared release yet; `make run` publishes one")
    return publish_exchange(dsn, snapshot, table_docs(manifest),
                            load_consumers(settings.exchange_consumers), settings.exchange_passwords,
                            release, today or date.today(), settings.exchange_consumers)


def serve_shared(settings: Settings, port: int) -> int:
    """Run the project's own PostgreSQL (data/exchange/) on 127.0.0.1:`port` with the current
    shared release loaded, until Ctrl-C or SIGTERM; stopped by its process id."""
    from .assets.dbt import dbt_project
    from .postgres_cluster import start, stop

    cluster = start(settings.exchange_dir, port)
    try:
        release = load_release(settings, cluster.dsn(), dbt_project.manifest_path, "make serve-shared")
        print(f"the shared tier's exchange database on 127.0.0.1:{port}, database bazhong_exchange, "
              f"schema marts: {sum(release.rows.values())} rows in {len(release.rows)} tables")
        for role, what in release.roles.items():
            print(f"  {role}: {what}")
        print(f"admin (loads releases): bazhong_admin, password in {cluster.folder / 'admin.password'}\n"
              f"for `make run` to load each release here:\n"
              f"  export BAZHONG_EXCHANGE_DSN=postgresql://bazhong_admin:$(cat "
              f"{cluster.folder / 'admin.password'})@127.0.0.1:{port}/bazhong_exchange\n"
              f"audit log: {cluster.log_dir} (python -m orchestration audit-report)\nCtrl-C stops it.")
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
        return 0
    finally:
        stop(cluster)


def print_audit_report(settings: Settings, log_dir: Path | None) -> int:
    from .postgres_cluster import ADMIN_ROLE

    snapshot = settings.publish_dir / SHARED
    columns_of: dict[str, list[str]] = {}
    if (snapshot / SNAPSHOT_NAME).exists():
        con = open_snapshot(snapshot)
        try:
            columns_of = {t: list(cols) for t, cols in con.execute(
                "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
                "WHERE schema_name = 'main' AND NOT internal GROUP BY table_name").fetchall()}
        finally:
            con.close()
    departments = {c.role: c.department_zh for c in load_consumers(settings.exchange_consumers)}
    report = audit_report(log_dir or settings.exchange_log_dir or settings.exchange_dir / "pgdata" / "log",
                          columns_of, {ADMIN_ROLE})
    print(format_report(report, departments))
    return 0
