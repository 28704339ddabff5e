"""Entry points behind `make run` and `make ui`.

    python -m orchestration run   # serve the sample portal, materialize everything, print a summary
    python -m orchestration run --broken-sample   # the same with a broken file: stops at the gate
    python -m orchestration ui    # serve the sample portal and start the Dagster UI on 127.0.0.1

Both start the local data portal on loopback (unless BAZHONG_PORTAL_URL points elsewhere),
so sources are fetched over HTTP exactly as a department's endpoint would be.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from ingestion import serve_portal
from ingestion.catalog import SAMPLE_DATA_DIR
from ingestion.sample_data import install_sample_drops
from publishing import SNAPSHOT_NAME

from .settings import REPO_DIR, Settings, prepare_dagster_home


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
    if "BAZHONG_PORTAL_URL" in os.environ:
        yield settings
        return
    copied = install_sample_drops(settings.drop_dir)
    if copied:
        print(f"drop folder {settings.drop_dir}: added {len(copied)} bundled sample file(s)")
    # the local portal wants a token like a real gateway; one per session unless set
    os.environ.setdefault("BAZHONG_PORTAL_TOKEN", secrets.token_urlsafe(16))
    with sample_root(broken) as root, \
            serve_portal(root=root, token=os.environ["BAZHONG_PORTAL_TOKEN"]) as url:
        os.environ["BAZHONG_PORTAL_URL"] = url  # for `dagster dev` subprocesses
        print(f"data portal (bundled sample data) on {url}")
        yield Settings(settings.data_dir, url, settings.drop_dir)


def warehouse_counts(path: str) -> dict[str, int]:
    from .resources import DUCKDB_OFFLINE

    con = duckdb.connect(path, read_only=True, config=DUCKDB_OFFLINE)
    try:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                             "ORDER BY schema_name, table_name").fetchall()
        views = con.execute("SELECT schema_name, view_name FROM duckdb_views() "
                            "WHERE NOT internal ORDER BY schema_name, view_name").fetchall()
        return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0]
                for s, t in tables + views}
    finally:
        con.close()


LAYER_ORDER = ["raw", "reference", "staging", "intermediate", "marts", "published"]


def print_summary(result, settings: Settings, seconds: float) -> None:
    import dagster as dg

    try:
        counts = warehouse_counts(str(settings.warehouse_path)) \
            if settings.warehouse_path.exists() else {}
    except duckdb.Error as exc:  # e.g. a failed dbt step still closing: report, don't crash
        print(f"(row counts unavailable: {exc})")
        counts = {}
    events = {e.asset_key: e for e in result.get_asset_materialization_events()}
    planned = result.dagster_run.asset_selection or set(events)
    evaluations = result.get_asset_check_evaluations()
    failed = [e for e in evaluations if not e.passed]

    def order(key):
        layer = key.path[0]
        return (LAYER_ORDER.index(layer) if layer in LAYER_ORDER else 99, key.to_user_string())

    print(f"\n{'asset':<48} {'status':<13} {'rows':>7}  checks")
    for key in sorted(planned, key=order):
        event = events.get(key)
        row_count = event.materialization.metadata.get("dagster/row_count") if event else None
        rows = row_count.value if row_count else counts.get(".".join(key.path), "")
        mine = [e for e in evaluations if e.asset_key == key]
        bad = sum(not e.passed for e in mine)
        checks = f"{len(mine) - bad}/{len(mine)} passed" if mine else ""
        status = "materialized" if event else "NOT RUN"
        print(f"{key.to_user_string():<48} {status:<13} {rows!s:>7}  {checks}")
    warn = sum(e.severity == dg.AssetCheckSeverity.WARN for e in failed)
    print(f"\nchecks: {len(evaluations) - len(failed)} passed, {len(failed) - warn} failed, "
          f"{warn} warnings")
    for e in failed:
        print(f"  {e.severity.value} {e.asset_key.to_user_string()}:{e.check_name}: "
              f"{e.description or ''}")
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            message = (error.cause or error).message if error else ""
            print(f"  FAILED step {event.step_key}: {message.strip().splitlines()[0] if message else ''}")
    print(f"raw rows quarantined (all loads): {counts.get('raw.quarantine', 0)}; "
          "see raw.quarantine and raw.load_log")
    print(f"\nwarehouse:  {settings.warehouse_path}")
    published = any(key.path[0] == "published" for key in events)
    out = settings.publish_dir
    print(f"published:  {out}{'' if published else ' (NOT updated by this run: still the last good one)'}")
    for path, what in [(SNAPSHOT_NAME, "read-only DuckDB snapshot"),
                       ("dashboard/index.html", "dashboard (works offline)"),
                       ("{parquet,csv,sdmx}/", "exports"), ("catalog.json", "catalog"),
                       ("dbt_docs/index.html", "dbt docs"), ("data_docs/index.html", "GX Data Docs")]:
        print(f"            {what:<28} {out / path}")
    print(f"run:        {'SUCCEEDED' if result.success else 'FAILED'} in {seconds:.1f} s "
          f"(run id {result.run_id}; history in `make ui`)")


def run(settings: Settings, broken_sample: bool = False) -> int:
    import dagster as dg

    prepare_dagster_home(settings)
    with portal_for(settings, broken_sample) as settings:
        from .definitions import ALL_ASSETS_JOB, build_definitions

        started = time.monotonic()
        defs = build_definitions(settings)
        with dg.DagsterInstance.get() as instance:
            result = defs.resolve_job_def(ALL_ASSETS_JOB).execute_in_process(
                instance=instance, raise_on_error=False,
                # step-level progress, not Dagster's DEBUG event stream
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}})
        print_summary(result, settings, time.monotonic() - started)
    return 0 if result.success else 1


def ui(settings: Settings, port: int) -> int:
    prepare_dagster_home(settings)
    with portal_for(settings):
        cmd = [str(REPO_DIR / ".venv" / "bin" / "dagster"), "dev", "-h", "127.0.0.1",
               "-p", str(port), "-m", "orchestration.definitions"]
        if not os.path.exists(cmd[0]):
            cmd[0] = "dagster"
        with contextlib.suppress(KeyboardInterrupt):
            return subprocess.call(cmd, cwd=REPO_DIR)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="materialize every asset and print a summary")
    run_parser.add_argument("--broken-sample", action="store_true",
                            help="serve the sample with the files of sample_data/broken/ in "
                                 "place: the run stops at the quality gate")
    ui_parser = sub.add_parser("ui", help="start the Dagster UI on 127.0.0.1")
    ui_parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "run":
        return run(settings, args.broken_sample)
    return ui(settings, args.port)


if __name__ == "__main__":
    sys.exit(main())
