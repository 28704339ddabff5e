"""Servers a user starts and stops: the Dagster UI with its daemon (`make ui`) and Datasette
over the open tier (`make serve`); each lives exactly as long as this process."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from .recovery import recover_crashed_runs
from .runs import holding_the_folder, portal_for
from .settings import REPO_DIR, Settings, prepare_dagster_home


def ui(settings: Settings, port: int) -> int:
    """`dagster dev`: the web UI and the daemon that runs schedules, sensors and queued runs.
    It holds the data folder while it is open (its runs go one at a time through Dagster's
    queue); a `make run` on the same folder waits for it."""
    return holding_the_folder(settings, lambda: _ui(settings, port))


def _ui(settings: Settings, port: int) -> int:
    import dagster as dg

    prepare_dagster_home(settings)
    with dg.DagsterInstance.get() as instance:
        recover_crashed_runs(instance)
    with portal_for(settings):
        dagster = Path(sys.executable).parent / "dagster"
        print(f"schedules and sensors are {'ON' if settings.automation else 'off'} at start "
              "(BAZHONG_AUTOMATION=on|off; each can be switched in the UI under Automation)")
        return run_child([str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port),
                          "-m", "orchestration.definitions"])


def run_child(cmd: list[str]) -> int:
    """Run a server (Dagster's UI, Datasette) until it ends, Ctrl-C or SIGTERM (a service
    manager's stop): it never outlives this process."""
    child = subprocess.Popen(cmd, cwd=REPO_DIR)
    previous = signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    try:
        return child.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def serve(settings: Settings, host: str, port: int) -> int:
    """Datasette over the open tier's SQLite copy: read-only (immutable), loopback unless
    --host says otherwise."""
    from publishing.browse import DATASETTE_METADATA, SQLITE_NAME

    open_dir = settings.publish_dir / "open"
    database, metadata = open_dir / SQLITE_NAME, open_dir / DATASETTE_METADATA
    if not (database.exists() and metadata.exists()):
        print(f"nothing to serve: {database} is made by a run (`make run` first)", file=sys.stderr)
        return 1
    datasette = Path(sys.executable).parent / "datasette"
    print(f"serving the open tier ({database}) on http://{host}:{port}/ (read-only; Ctrl-C stops)")
    return run_child([str(datasette), "serve", "--immutable", str(database), "--metadata", str(metadata),
                      "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "3000"])
