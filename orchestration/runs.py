"""`make run`: the sample portal, the whole graph (or one layer) materialized with one line per
asset, and the summary after it; the data folder held while it runs."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import duckdb

from ingestion import SAMPLE_DATA_DIR, install_sample_drops, serve_portal
from publishing import SNAPSHOT_NAME

from .build_log import REBUILD_TAG, UNCHANGED_TAG
from .recovery import process_tags, recover_crashed_runs, wait_for_writer
from .runlock import FolderBusy, data_folder_lock
from .settings import Settings, export_portal_url, local_portal_token, prepare_dagster_home

# the layers, each a Dagster group: `run --layer`
LAYERS = ["raw", "reference", "staging", "intermediate", "marts", "published"]


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


def print_summary(result, settings: Settings, seconds: float, log_path: Path | None = None,
                  instance=None) -> None:
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
    tags = instance.get_run_by_id(result.run_id).tags if instance else {}
    unchanged = tags.get(UNCHANGED_TAG)
    if unchanged:  # the dbt step found nothing new: what follows it did not need to run
        print(f"\nassets: {len(materialized)} materialized, {sum(not_run.values())} up to date (nothing "
              f"new since run {unchanged}: dbt build and what follows it skipped; `run --rebuild` forces)")
    else:
        by_layer = ", ".join(f"{n} {layer}" for layer, n in sorted(not_run.items()))
        print(f"\nassets: {len(materialized)} materialized, {sum(not_run.values())} NOT RUN"
              + (f" ({by_layer})" if not_run else ""))
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
    kept = " (unchanged: nothing new)" if unchanged else " (NOT updated by this run: still the last good one)"
    print(f"published:  {out}{'' if published else kept}")
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


def materialize_all(defs, instance, out: TextIO, log_path: Path, layer: str | None = None,
                    tags: dict[str, str] | None = None, run_id: str | None = None):
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
        # dagster-dbt echoes every dbt line to stdout: into the log file with the rest; so is
        # Dagster's note per blocking check without a result (none when dbt found nothing new)
        plan_log = logging.getLogger("dagster._core.execution.plan.active")
        to_file = logging.StreamHandler(log)
        plan_log.addHandler(to_file)
        plan_log.propagate = False
        try:
            with contextlib.redirect_stdout(log):
                return execute_selection(defs, selection, instance, progress=progress,
                                         tags={**process_tags(), **(tags or {})}, run_id=run_id)
        finally:
            plan_log.removeHandler(to_file)
            plan_log.propagate = True


def holding_the_folder(settings: Settings, command: Callable[[], int]) -> int:
    """Run `command` holding the data folder (orchestration/runlock.py); 2 if another
    process keeps it longer than BAZHONG_WRITER_WAIT_SECONDS."""
    try:
        with data_folder_lock(settings.data_dir, settings.writer_wait_seconds):
            return command()
    except FolderBusy as exc:
        print(f"NOT STARTED: {exc}", file=sys.stderr)
        return 2


def run(settings: Settings, broken_sample: bool = False, layer: str | None = None,
        rebuild: bool = False) -> int:
    return holding_the_folder(settings, lambda: _run(settings, broken_sample, layer, rebuild))


def _run(settings: Settings, broken_sample: bool, layer: str | None, rebuild: bool) -> int:
    import dagster as dg

    from .alerts import alert_after_run
    from .definitions import ALL_ASSETS_JOB
    from .lineage import asset_deps, lineage_around_run

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
            run_id = str(uuid.uuid4())
            lineage_end = lineage_around_run(settings, instance, run_id, ALL_ASSETS_JOB,
                                             asset_deps([a for a in defs.assets or []
                                                         if isinstance(a, dg.AssetsDefinition)]))
            result = materialize_all(defs, instance, sys.stdout, log_path, layer,
                                     {REBUILD_TAG: "true"} if rebuild else {}, run_id)
            print_summary(result, settings, time.monotonic() - started, log_path, instance)
            failure = None if result.success else (result.get_run_failure_event().message or "")
            alert_after_run(settings, instance, result.dagster_run, failure)
            lineage_end(failure)
    return 0 if result.success else 1


