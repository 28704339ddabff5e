"""The one Dagster `Definitions` of the project.

`build_definitions(settings)` is what tests call with their own data folder and portal;
`defs` (module level) is what `dagster dev -m orchestration.definitions` loads, configured
from the environment (see orchestration/settings.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg

from .alerts import build_alert_sensors
from .assets.dbt import build_dbt_assets, dbt_project
from .assets.mart_checks import build_mart_checks
from .assets.publish import build_publish_assets
from .assets.raw import build_raw_layer
from .automation import build_automation, month_range_tags
from .lineage import asset_deps, build_lineage_sensors
from .progress import RunProgress, execute_with_progress
from .resources import SourcesResource, VenvDbtCliResource, WarehouseResource
from .settings import Settings

ALL_ASSETS_JOB = "materialize_all"


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    # a fetch that fails after the connector's own quick retries is run again later, each wait
    # twice the last (5, 10, 20 min by default): a server down at 02:00 is back by 02:35
    retry = dg.RetryPolicy(max_retries=settings.fetch_retries, delay=settings.fetch_retry_delay_seconds,
                           backoff=dg.Backoff.EXPONENTIAL) if settings.fetch_retries else None
    raw_assets, raw_checks = build_raw_layer(settings.data_dir, retry)
    dbt_warehouse = build_dbt_assets(settings)
    mart_keys = [key for key in dbt_warehouse.keys if key.path[0] == "marts"]
    mart_checks = build_mart_checks(mart_keys, dbt_project.manifest_path, settings.data_dir)
    publish = build_publish_assets(mart_keys, settings)
    jobs, schedules, sensors = build_automation(settings)
    lineage = build_lineage_sensors(settings, asset_deps([*raw_assets, dbt_warehouse, *publish]))
    return dg.Definitions(
        assets=[*raw_assets, dbt_warehouse, *publish],
        asset_checks=[*raw_checks, mart_checks],
        jobs=[dg.define_asset_job(ALL_ASSETS_JOB, selection=dg.AssetSelection.all(),
                                  description="Every asset and check, sources to published files."),
              *jobs],
        schedules=schedules,
        sensors=[*sensors, *build_alert_sensors(settings), *lineage],
        # One process, steps in order: at this scale start-up, not data, is the cost, and
        # it keeps the DuckDB file to one writer by construction.
        executor=dg.in_process_executor,
        resources={
            "warehouse": WarehouseResource(path=str(settings.warehouse_path),
                                           memory_limit=settings.duckdb_memory_limit,
                                           landing_workers=settings.landing_workers),
            "sources": SourcesResource(portal_url=settings.portal_url,
                                       drop_dir=str(settings.drop_dir),
                                       archive_dir=str(settings.archive_dir),
                                       portal_token=dg.EnvVar("BAZHONG_PORTAL_TOKEN")),
            # dbt from this environment, found without relying on PATH being activated.
            "dbt": VenvDbtCliResource(project_dir=dbt_project,
                                      dbt_executable=str(Path(sys.executable).parent / "dbt")),
        },
    )


def execute_selection(defs: dg.Definitions, assets: dg.AssetSelection, instance: dg.DagsterInstance, *,
                      checks: dg.AssetSelection | None = None,
                      months: tuple[str, str] | None = None,
                      progress: RunProgress | None = None,
                      tags: dict[str, str] | None = None,
                      run_id: str | None = None) -> dg.ExecuteInProcessResult:
    """One in-process run of the materialize_all job for `assets` and the checks of `checks`
    (by default of the same selection); with `months` (first, last), for that range of the
    monthly partitions, as a backfill of the range runs (one run per range). With `progress`,
    that handler is the run's logger (orchestration/progress.py)."""
    graph = defs.resolve_asset_graph()
    job = defs.resolve_job_def(ALL_ASSETS_JOB).get_subset(
        asset_selection=assets.resolve(graph),
        asset_check_selection=(assets if checks is None else checks).resolve_checks(graph))
    tags = {**(tags or {}), **(month_range_tags(list(months)) if months else {})}
    if progress:
        return execute_with_progress(job, progress, instance=instance, raise_on_error=False, tags=tags,
                                     run_id=run_id)
    return job.execute_in_process(instance=instance, raise_on_error=False, tags=tags, run_id=run_id)


defs = build_definitions()
