"""Entry points behind `make run` and `make ui`.

    python -m orchestration run   # serve the sample portal, materialize everything, print a summary
    python -m orchestration run --broken-sample   # the same with a broken file: stops at the gate
    python -m orchestration ui    # serve the sample portal, start the Dagster UI and daemon on 127.0.0.1
    python -m orchestration golden-counts   # record rows per mart and year (after `make run`)
    python -m orchestration accept-load LOAD_ID --reason "..."   # release a load held for review
    python -m orchestration serve   # Datasette over the open tier on 127.0.0.1:8001 (after `run`)

`run` and `ui` start the local data portal on loopback (unless BAZHONG_PORTAL_URL points
elsewhere), so sources are fetched over HTTP exactly as a department's endpoint would be.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import getpass
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import duckdb

from ingestion import SAMPLE_DATA_DIR, install_sample_drops, serve_portal
from publishing import SNAPSHOT_NAME, read_manifest

from .recovery import process_tags, recover_crashed_runs, wait_for_writer
from .runlock import FolderBusy, data_folder_lock
from .settings import (
    DBT_PROJECT_DIR,
    REPO_DIR,
    Settings,
    export_portal_url,
    local_portal_token,
    prepare_dagster_home,
)


@contextlib.contextmanager
def sample_root(broken: bool) -> Iterator[Path]:
    """The bundled sample as the portal serves it; with `broken`, a copy with the files of
    sample_data/broken/ in place of their good twins (the README's quality-gate demo)."""
    if not broken:
        yield SAMPLE_DATA_DIR
        return
    with tempfile.TemporaryDirectory(prefix="bazhong-broken-sample-") as tmp:
        shutil.copytree(SAMPLE_DATA_DIR, tmp, dirs_exist_ok=True)
        shutil.copytree(SAMPLE_DATA_DIR / "broken", tmp, dirs_exist_ok=True)
        print(f"serving the DELIBERATELY BROKEN sample: {SAMPLE_DATA_DIR / 'broken'} over the sample")
        yield Path(tmp)


@contextlib.contextmanager
def portal_for(settings: Settings, broken: bool = False) -> Iterator[Settings]:
    """The bundled-sample portal on a free loopback port and the bundled drop files in the
    drop folder, unless the user set a portal URL (then both are theirs)."""
    if settings.portal_url:
        yield settings
        return
    copied = install_sample_drops(settings.drop_dir) if settings.drop_dir else []
    if copied:
        print(f"drop folder {settings.drop_dir}: added {len(copied)} bundled sample file(s)")
    # the local portal wants a token like a real gateway; one per session unless set
    with sample_root(broken) as root, serve_portal(root=root, token=local_portal_token()) as url:
        export_portal_url(url)
        print(f"data portal (bundled sample data) on {url}")
        yield dataclasses.replace(settings, portal_url=url)


def warehouse_counts(path: str) -> dict[str, int]:
    from .resources import DUCKDB_OFFLINE

    con = duckdb.connect(path, read_only=True, config=DUCKDB_OFFLINE)
    try:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                             "ORDER BY schema_name, table_name").fetchall()
        views = con.execute("SELECT schema_name, view_name FROM duckdb_views() "
                            "WHERE NOT internal ORDER BY schema_name, view_name").fetchall()
        return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchall()[0][0]
                for s, t in tables + views}
    finally:
        con.close()


def print_summary(result, settings: Settings, seconds: float, log_path: Path | None = None) -> None:
    """After the run: what did not run, checks that failed, late departments, where things are."""
    import dagster as dg

    from .assets.raw import FRESHNESS_CHECK

    try:
        counts = warehouse_counts(str(settings.warehouse_path)) \
            if settings.warehouse_path.exists() else {}
    except duckdb.Error as exc:  # e.g. a failed dbt step still closing: report, don't crash
        print(f"(row counts unavailable: {exc})")
        counts = {}
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    planned = result.dagster_run.asset_selection or result.job_def.asset_layer.executable_asset_keys
    not_run = Counter(k.path[0] for k in planned - materialized)  # by layer: what was held back
    evaluations = result.get_asset_check_evaluations()
    fresh = [e for e in evaluations if e.check_name == FRESHNESS_CHECK]
    gate = [e for e in evaluations if e.check_name != FRESHNESS_CHECK]
    failed = [e for e in gate if not e.passed]
    warn = sum(e.severity == dg.AssetCheckSeverity.WARN for e in failed)
    print(f"\nassets: {len(materialized)} materialized, {sum(not_run.values())} NOT RUN"
          + (f" ({', '.join(f'{n} {layer}' for layer, n in sorted(not_run.items()))})" if not_run else ""))
    late = [e for e in fresh if not e.passed]
    # the gate's counts; a late department's WARN line above is counted under freshness
    print(f"checks: {len(gate) - len(failed)} passed, {len(failed) - warn} failed, {warn} warnings"
          + (f" (and {len(late)} late source(s), the other WARN lines: see freshness)" if late else ""))
    for e in failed:
        print(f"  {e.severity.value} {e.asset_key.to_user_string()}:{e.check_name}: "
              f"{e.description or ''}")
    if fresh:
        print(f"freshness: {len(fresh) - len(late)} of {len(fresh)} sources up to date"
              + ("; late (by the 更新周期 in ingestion/sources.yml):" if late else ""))
    for e in late:
        print(f"  {e.description}")
    print(f"raw quarantine (all loads): {counts.get('raw.quarantine', 0)} entries (whole rows and "
          "single cells); see raw.quarantine and raw.load_log")
    print(f"\nwarehouse:  {settings.warehouse_path}")
    published = any(key.path[0] == "published" for key in materialized)
    out = settings.publish_dir
    print(f"published:  {out}{'' if published else ' (NOT updated by this run: still the last good one)'}")
    for path, what in [("open/", "open tier (for the public)"),
                       ("shared/", "shared tier (gov. data sharing)"),
                       (f"{{open,shared}}/{SNAPSHOT_NAME}", "read-only DuckDB snapshots"),
                       ("{open,shared}/{parquet,csv,xlsx,sdmx}/", "exports"),
                       ("{open,shared}/datapackage.json", "Frictionless data packages"),
                       ("{open,shared}/catalogue.{json,xlsx}", "government catalogues"),
                       ("open/dashboard/index.html", "dashboard (works offline)"),
                       ("open/bazhong.sqlite", "SQLite copy (`make serve`)"),
                       ("dbt_docs/index.html", "dbt docs"), ("data_docs/index.html", "GX Data Docs")]:
        print(f"            {what:<28} {out / path}")
    if log_path:
        print(f"log:        {log_path} (every Dagster event and dbt's output)")
    print(f"run:        {'SUCCEEDED' if result.success else 'FAILED'} in {seconds:.1f} s "
          f"(run id {result.run_id}; history in `make ui`)")


def materialize_all(defs, instance, out: TextIO, log_path: Path, layer: str | None = None):
    """The whole job (or one layer of it, a Dagster group), as `make run` runs it: one line per
    asset on `out` as it finishes, and everything else (Dagster's events, dbt's output) in the
    file at `log_path`. The run carries this process's pid (orchestration/recovery.py)."""
    import dagster as dg

    from .definitions import execute_selection
    from .progress import RunProgress

    selection = dg.AssetSelection.groups(layer) if layer else dg.AssetSelection.all()
    checks = selection.resolve_checks(defs.resolve_asset_graph())
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        progress = RunProgress(out, log, Counter(k.asset_key for k in checks))
        # dagster-dbt echoes every dbt line to stdout: into the log file with the rest
        with contextlib.redirect_stdout(log):
            return execute_selection(defs, selection, instance, progress=progress, tags=process_tags())


def holding_the_folder(settings: Settings, command: Callable[[], int]) -> int:
    """Run `command` holding the data folder (orchestration/runlock.py); 2 if another
    process keeps it longer than BAZHONG_WRITER_WAIT_SECONDS."""
    try:
        with data_folder_lock(settings.data_dir, settings.writer_wait_seconds):
            return command()
    except FolderBusy as exc:
        print(f"NOT STARTED: {exc}", file=sys.stderr)
        return 2


def run(settings: Settings, broken_sample: bool = False, layer: str | None = None) -> int:
    return holding_the_folder(settings, lambda: _run(settings, broken_sample, layer))


def _run(settings: Settings, broken_sample: bool, layer: str | None) -> int:
    import dagster as dg

    prepare_dagster_home(settings)
    with portal_for(settings, broken_sample) as settings:
        from .definitions import build_definitions

        started = time.monotonic()
        defs = build_definitions(settings)
        log_path = settings.log_dir / f"run-{time.strftime('%Y%m%d-%H%M%S')}.log"
        with dg.DagsterInstance.get() as instance:
            recover_crashed_runs(instance)
            try:
                wait_for_writer(instance, settings.writer_wait_seconds)
            except RuntimeError as exc:
                print(f"NOT STARTED: {exc}", file=sys.stderr)
                return 2
            print(f"materializing {f'the {layer} layer' if layer else 'every asset'}: one line per "
                  f"asset as it finishes; full log in {log_path}")
            result = materialize_all(defs, instance, sys.stdout, log_path, layer)
        print_summary(result, settings, time.monotonic() - started, log_path)
    return 0 if result.success else 1


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


LAYERS = ["raw", "reference", "staging", "intermediate", "marts", "published"]
GOLDEN_SEED = DBT_PROJECT_DIR / "seeds" / "golden_row_counts.csv"


def golden_counts(settings: Settings) -> int:
    """Record rows per mart table and year in seeds/golden_row_counts.csv from a warehouse
    built by `make run` on the bundled sample; the tables and their year columns are those
    given to the dbt test golden_row_counts."""
    from .assets.dbt import dbt_project

    manifest = read_manifest(dbt_project.manifest_path)
    tables = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if meta.get("name") == "golden_row_counts":
            table = manifest["nodes"][node["attached_node"]]["name"]
            tables[table] = meta["kwargs"].get("year_column", "year")
    rows = []
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        for table, year in sorted(tables.items()):
            rows += [(table, *r) for r in con.execute(
                f'SELECT cast({year} AS integer) AS y, count(*) FROM marts."{table}" '
                "GROUP BY y ORDER BY y").fetchall()]
    with open(GOLDEN_SEED, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["table_name", "year", "min_rows"])
        writer.writerows(rows)
    print(f"{GOLDEN_SEED}: {len(rows)} rows for {len(tables)} tables")
    return 0


# What a reviewer may release: the gate's rules that hold a plausible but unusual load (a
# shorter revision, a correction that changes a report a lot). Rows the contract quarantined
# or a broken accounting are never waved through: the rows say what is missing.
REVIEWABLE = {"rows_share_of_previous_vintage", "revision_figures_factor", "revision_items_dropped",
              "revision_amount_factor"}


def accept_load(settings: Settings, load_id: str, reason: str, operator: str | None = None) -> int:
    """Record a reviewer's acceptance of a load the raw gate holds for review (REVIEWABLE):
    its stored outcome becomes one warning carrying the reason and the operator, so later
    runs pass it and still show why and who. Anything else the gate found is refused."""
    reason = reason.strip()
    if not reason:
        print("accept-load needs --reason: why the load is right (kept with it)", file=sys.stderr)
        return 2
    operator = (operator or getpass.getuser()).strip()
    return holding_the_folder(settings, lambda: _accept_load(settings, load_id, reason, operator))


def _accept_load(settings: Settings, load_id: str, reason: str, operator: str) -> int:
    from expectations import Failure, ValidationOutcome, raw_suite, record, stored_outcomes, suite_version
    from ingestion import load_catalog

    with duckdb.connect(str(settings.warehouse_path)) as con:
        found = con.execute("SELECT dataset_id, rows_received FROM raw.load_log "
                            "WHERE load_id = ? AND status = 'landed'", [load_id]).fetchone()
        if not found:
            print(f"no landed load {load_id!r} in raw.load_log", file=sys.stderr)
            return 2
        dataset_id, rows = found
        suite = raw_suite(load_catalog()[dataset_id])
        version = suite_version(suite)
        stored = stored_outcomes(con, suite.name, version, [load_id]).get(load_id)
        held = [f for f in stored.errors if f.column in REVIEWABLE] if stored else []
        refused = [f for f in stored.errors if f.column not in REVIEWABLE] if stored else []
        if refused:
            print(f"{dataset_id}: load {load_id} cannot be accepted: the gate stopped it for "
                  f"{'; '.join(f.describe() for f in refused)}. Quarantined rows (raw.quarantine) say "
                  "what is missing: correct the source and land the file again", file=sys.stderr)
            return 2
        if stored is None or not held:
            why = "it has not been validated yet; run first" if stored is None else "nothing to accept"
            print(f"{dataset_id}: load {load_id} is not held for review by the current gate "
                  f"(suite {suite.name} {version}): {why}", file=sys.stderr)
            return 2
        accepted = Failure(
            expectation="accepted_by_review", column=", ".join(f.column for f in held if f.column),
            severity="warning", unexpected_count=None, batch=load_id,
            examples=[{"reason": reason, "operator": operator,
                       "accepted_at": datetime.now(UTC).isoformat(timespec="seconds"),
                       "held_for": [f.describe() for f in held]}])
        record(con, run_id=None, asset_key=f"raw/{dataset_id}", check_name="gx_raw_suite",
               version=version, outcomes={load_id: (rows, ValidationOutcome(
                   suite.name, stored.evaluated, [*stored.warnings, accepted]))})
    print(f"{dataset_id}: load {load_id} accepted by {operator} ({reason}); the next run passes it "
          "with a warning")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="materialize every asset and print a summary")
    run_parser.add_argument("--broken-sample", action="store_true",
                            help="serve the sample with the files of sample_data/broken/ in "
                                 "place: the run stops at the quality gate")
    run_parser.add_argument("--layer", choices=LAYERS,
                            help="only this layer's assets (a Dagster group) and their checks")
    ui_parser = sub.add_parser("ui", help="start the Dagster UI and daemon on 127.0.0.1")
    ui_parser.add_argument("--port", type=int, default=3000)
    sub.add_parser("golden-counts", help="record rows per mart and year in seeds/golden_row_counts.csv")
    accept_parser = sub.add_parser("accept-load", help="accept a load the raw gate holds, after review")
    accept_parser.add_argument("load_id")
    accept_parser.add_argument("--reason", required=True, help="why the load is right (kept with it)")
    accept_parser.add_argument("--operator", help="who reviewed it (default: the login name)")
    serve_parser = sub.add_parser("serve", help="browse the open tier with Datasette (UI and JSON/CSV API)")
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="127.0.0.1 (default) keeps it on this machine")
    serve_parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "run":
        return run(settings, args.broken_sample, args.layer)
    if args.command == "golden-counts":
        return golden_counts(settings)
    if args.command == "accept-load":
        return accept_load(settings, args.load_id, args.reason, args.operator)
    if args.command == "serve":
        return serve(settings, args.host, args.port)
    return ui(settings, args.port)


if __name__ == "__main__":
    sys.exit(main())
