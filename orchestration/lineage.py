"""OpenLineage events, through the OpenLineage client (openlineage-python) and openlineage-dbt,
to BAZHONG_LINEAGE_URL: an HTTP endpoint (Marquez and other OpenLineage servers: POST
<url>/api/v1/lineage) or a file (`file:///path/lineage.jsonl`, one event per line). Unset:
nothing is emitted and neither library is imported.

- The Dagster run: START when it starts, COMPLETE or FAIL (with Dagster's message) when it
  ends; job `bazhong.<job>`, the run id Dagster's own. Sent by `python -m orchestration run`,
  and under the daemon by run-status sensors for every run however started.
- Every dbt model, seed and test of the dbt step: openlineage-dbt's events from that build's
  manifest and run_results (SQL, schema, column docs, the tests as data-quality assertions),
  each a child of the Dagster run.
- Every other asset the run materialized (raw landing, publishing): a COMPLETE event, child of
  the run, with what it read and wrote: a raw table reads its source's URL, a published asset
  the marts and writes its files.

Datasets are named as openlineage-dbt names them, so the graph joins up: a warehouse table is
`warehouse.<schema>.<table>` in namespace `duckdb://<warehouse path>`, a file `<path>` in
namespace `file`, a source its URL (namespace scheme://host)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import dagster as dg

from ingestion import load_catalog

from .settings import DBT_PROJECT_DIR, Settings

if TYPE_CHECKING:
    from openlineage.client import OpenLineageClient

NAMESPACE = "bazhong"
PRODUCER = "https://github.com/bazhong-warehouse/bazhong/tree/main/orchestration/lineage.py"
WAREHOUSE_LAYERS = {"raw", "reference", "staging", "intermediate", "marts"}  # asset key = schema/table


def lineage_client(settings: Settings) -> OpenLineageClient | None:
    url = settings.lineage_url
    if not url:
        return None
    from openlineage.client import OpenLineageClient

    if url.startswith(("http://", "https://")):
        from openlineage.client.transport.http import HttpConfig, HttpTransport

        return OpenLineageClient(transport=HttpTransport(HttpConfig(url=url, timeout=5.0)))
    from openlineage.client.transport.file import FileConfig, FileTransport

    path = Path(url.removeprefix("file://"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return OpenLineageClient(transport=FileTransport(FileConfig(log_file_path=str(path), append=True)))


def job_name(dagster_job: str) -> str:
    return f"{NAMESPACE}.{dagster_job}"


def run_uuid(run_id: str) -> str:
    """Dagster's run id is a UUID already; OpenLineage wants one."""
    return str(uuid.UUID(run_id))


def _now() -> str:
    return datetime.now(UTC).isoformat()


def warehouse_dataset(settings: Settings, key: dg.AssetKey, output: bool = False):
    from openlineage.client.event_v2 import InputDataset, OutputDataset

    kind = OutputDataset if output else InputDataset
    schema, table = key.path[0], key.path[-1]
    return kind(namespace=f"duckdb://{settings.warehouse_path}", name=f"warehouse.{schema}.{table}")


def asset_datasets(settings: Settings, key: dg.AssetKey, files: list[str], output: bool) -> list:
    """The datasets an asset is: a warehouse table, or the files it wrote (its metadata's
    `files`), else one named by its key."""
    from openlineage.client.event_v2 import InputDataset, OutputDataset

    if key.path[0] in WAREHOUSE_LAYERS:
        return [warehouse_dataset(settings, key, output)]
    kind = OutputDataset if output else InputDataset
    if files:
        return [kind(namespace="file", name=f) for f in files]
    return [kind(namespace=NAMESPACE, name=key.to_user_string())]


def source_dataset(settings: Settings, dataset_id: str):
    """Where a raw table's rows come from: the department's URL, or the drop folder."""
    from openlineage.client.event_v2 import InputDataset

    ds = load_catalog()[dataset_id]
    if ds.drop_glob:
        return InputDataset(namespace="file", name=str(Path(settings.drop_dir or ".") / ds.drop_glob))
    url = urlsplit(ds.resolve_url(settings.portal_url or "{portal}"))
    return InputDataset(namespace=f"{url.scheme}://{url.netloc}", name=url.path or "/")


def run_event(state: str, run_id: str, dagster_job: str, facets: dict[str, Any] | None = None, *,
              asset_job: str | None = None, inputs: list | None = None, outputs: list | None = None):
    """The Dagster run's event, or with `asset_job` an asset's own (a child of the run)."""
    from openlineage.client.event_v2 import Job, Run, RunEvent, RunState
    from openlineage.client.facet_v2 import parent_run
    from openlineage.client.uuid import generate_new_uuid

    run_facets = dict(facets or {})
    if asset_job is not None:
        run_facets["parent"] = parent_run.ParentRunFacet(
            run=parent_run.Run(runId=run_uuid(run_id)),
            job=parent_run.Job(namespace=NAMESPACE, name=job_name(dagster_job)))
    return RunEvent(eventType=RunState[state], eventTime=_now(), producer=PRODUCER,
                    run=Run(runId=str(generate_new_uuid()) if asset_job else run_uuid(run_id),
                            facets=run_facets),
                    job=Job(namespace=NAMESPACE, name=asset_job or job_name(dagster_job)),
                    inputs=inputs or [], outputs=outputs or [])


def emit_run_start(client: OpenLineageClient, run_id: str, dagster_job: str) -> None:
    client.emit(run_event("START", run_id, dagster_job))


def files_of(instance: dg.DagsterInstance, run_materialized: dict[dg.AssetKey, list[str]],
             key: dg.AssetKey) -> list[str]:
    """The files an asset wrote: in this run, else at its latest materialization."""
    if key in run_materialized:
        return run_materialized[key]
    event = instance.get_latest_materialization_event(key)
    m = event.asset_materialization if event else None
    return _files(m.metadata) if m else []


def _files(metadata) -> list[str]:
    files = metadata.get("files")
    return [str(f) for f in files.value] if files is not None and isinstance(files.value, list) else []


def emit_run_end(client: OpenLineageClient, settings: Settings, instance: dg.DagsterInstance,
                 run: dg.DagsterRun, deps: dict[dg.AssetKey, set[dg.AssetKey]], failure: str | None) -> int:
    """The run's COMPLETE or FAIL, after a COMPLETE per asset it materialized outside dbt
    (openlineage-dbt sent the dbt step's). `deps`: each asset's upstream assets. Returns the
    events sent."""
    from openlineage.client.facet_v2 import error_message_run

    kind = dg.DagsterEventType.ASSET_MATERIALIZATION
    records = instance.get_records_for_run(run.run_id, of_type=kind).records
    materialized = [e.step_materialization_data.materialization for r in records
                    if (e := r.event_log_entry.dagster_event) is not None and e.step_key != "dbt_warehouse"]
    written = {m.asset_key: _files(m.metadata) for m in materialized}
    for m in materialized:
        key = m.asset_key
        inputs = [source_dataset(settings, key.path[-1])] if key.path[0] == "raw" else \
            [d for up in sorted(deps.get(key, set()), key=str)
             for d in asset_datasets(settings, up, files_of(instance, written, up), output=False)]
        client.emit(run_event("COMPLETE", run.run_id, run.job_name,
                              asset_job=f"{NAMESPACE}.{key.to_user_string()}", inputs=inputs,
                              outputs=asset_datasets(settings, key, written[key], output=True)))
    facets = {} if failure is None else {"errorMessage": error_message_run.ErrorMessageRunFacet(
        message=failure or "run failed", programmingLanguage="python")}
    client.emit(run_event("COMPLETE" if failure is None else "FAIL", run.run_id, run.job_name, facets))
    return len(materialized) + 1


def emit_dbt_events(client: OpenLineageClient, settings: Settings, run_id: str, dagster_job: str,
                    target_path: Path) -> int:
    """openlineage-dbt's events for the dbt build whose artifacts are in `target_path`, children
    of the Dagster run. Returns how many were sent."""
    from openlineage.common.provider.dbt.facets import ParentRunMetadata
    from openlineage.common.provider.dbt.local import DbtLocalArtifactProcessor

    class Processor(DbtLocalArtifactProcessor):
        # profiles.yml takes the warehouse path from a dbt var, which the processor's Jinja
        # cannot resolve: the path is the settings' own
        def extract_dataset_namespace(self, profile: dict) -> None:
            self.dataset_namespace = f"duckdb://{settings.warehouse_path}"
            self.dataset_symlink_namespace = None

    processor = Processor(producer=PRODUCER, job_namespace=NAMESPACE, project_dir=str(DBT_PROJECT_DIR),
                          target_path=str(target_path), skip_errors=True)
    processor.dbt_run_metadata = ParentRunMetadata(run_id=run_uuid(run_id), job_name=job_name(dagster_job),
                                                   job_namespace=NAMESPACE)
    events = processor.parse().events()
    for event in events:
        client.emit(event)
    return len(events)


def asset_deps(assets: list[dg.AssetsDefinition]) -> dict[dg.AssetKey, set[dg.AssetKey]]:
    """Each asset's upstream assets (what its lineage event says it read)."""
    return {key: set(up) for a in assets for key, up in a.asset_deps.items()}


def lineage_around_run(settings: Settings, instance: dg.DagsterInstance, run_id: str, job: str,
                       deps: dict[dg.AssetKey, set[dg.AssetKey]]):
    """For `python -m orchestration run`: the START now; call what it returns with the run's
    failure (None when it succeeded) at the end. An endpoint that is down is reported, never
    fails the run."""
    client = lineage_client(settings)
    if client is None:
        return lambda failure: None
    try:
        emit_run_start(client, run_id, job)
    except Exception as exc:  # noqa: BLE001 (any transport's error)
        print(f"lineage: the run's START NOT sent: {exc}")

    def end(failure: str | None) -> None:
        run = instance.get_run_by_id(run_id)
        if run is None:  # the run never started
            return
        try:
            sent = emit_run_end(client, settings, instance, run, deps, failure)
            print(f"lineage: {sent + 1} OpenLineage events for the run sent to {settings.lineage_url} "
                  "(and the dbt build's, from its step)")
        except Exception as exc:  # noqa: BLE001
            print(f"lineage: the run's events NOT sent: {exc}")

    return end


def build_lineage_sensors(settings: Settings, deps: dict[dg.AssetKey, set[dg.AssetKey]]) -> list:
    """Under the daemon: a run's START, and its end with its assets, for every run."""
    if not settings.lineage_url:
        return []
    status = dg.DefaultSensorStatus.RUNNING if settings.automation else dg.DefaultSensorStatus.STOPPED
    sensors = []
    for state, name in [(dg.DagsterRunStatus.STARTED, "lineage_run_started"),
                        (dg.DagsterRunStatus.SUCCESS, "lineage_run_succeeded"),
                        (dg.DagsterRunStatus.FAILURE, "lineage_run_failed")]:
        @dg.run_status_sensor(run_status=state, name=name, default_status=status,
                              description=f"OpenLineage events to BAZHONG_LINEAGE_URL when a run is "
                                          f"{state.value.lower()}.")
        def _sensor(context: dg.RunStatusSensorContext, state=state) -> None:
            client = lineage_client(settings)
            assert client is not None  # the sensor exists only with a URL
            run = context.dagster_run
            if state == dg.DagsterRunStatus.STARTED:
                emit_run_start(client, run.run_id, run.job_name)
                return
            failure = None
            if state == dg.DagsterRunStatus.FAILURE:
                event = context.dagster_event
                failure = (event.message if event else None) or "run failed"
            emit_run_end(client, settings, context.instance, run, deps, failure)

        sensors.append(_sensor)
    return sensors
