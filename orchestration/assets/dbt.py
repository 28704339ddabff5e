"""dbt layers (seeds → staging → intermediate → marts) as Dagster assets through dagster-dbt.

The manifest is prepared by `make` (`dbt parse`); dbt tests become Dagster asset checks.
"""

import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from expectations import Failure, ValidationOutcome, record
from ingestion import load_catalog, point_views
from publishing import relation_columns, tests_on

from ..build_log import (
    REBUILD_TAG,
    UNCHANGED_TAG,
    code_fingerprint,
    finish_build,
    inputs_fingerprint,
    last_build,
    publish_settings,
    relations,
    start_build,
)
from ..lineage import emit_dbt_events, lineage_client
from ..resources import WRITER_POOL, WarehouseResource
from ..settings import DBT_PROJECT_DIR, Settings

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

LAYERS = ("staging", "intermediate", "marts")
PLATFORM_OWNER = "team:data-platform"  # the models past staging and the published files


class LayerTranslator(DagsterDbtTranslator):
    """Groups by layer (reference seeds, staging, intermediate, marts): the UI reads like the
    data flow in DESIGN.md. Keys are dagster-dbt's default, <schema>/<model>, so they name
    the layer too (marts/mart_solid_waste_utilization). A staging model is owned by the
    departments whose raw tables it reads; everything past staging by the data platform."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return next((layer for layer in LAYERS if layer in fqn), "marts")

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        tags = dict(super().get_tags(dbt_resource_props))
        if dbt_resource_props.get("schema") == "marts" and dbt_resource_props["resource_type"] == "model":
            tags["dagster/kind/gx"] = ""  # each mart has a GX suite besides its dbt tests
        return tags

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        departments = [d for ds in source_datasets(dbt_resource_props) for d in ds.departments]
        return list(dict.fromkeys(d.owner for d in departments)) or [PLATFORM_OWNER]

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        described = super().get_description(dbt_resource_props)
        providers = "、".join(dict.fromkeys(ds.department for ds in source_datasets(dbt_resource_props)))
        return f"{described}\n\nData provided by {providers}." if providers else described


def source_datasets(dbt_resource_props: Mapping[str, Any]) -> list:
    """The catalog datasets a model reads directly (its dbt sources are raw tables)."""
    catalog = load_catalog()
    nodes = dbt_resource_props.get("depends_on", {}).get("nodes", [])
    return [catalog[n.rsplit(".", 1)[-1]] for n in nodes
            if n.startswith("source.") and n.rsplit(".", 1)[-1] in catalog]


translator = LayerTranslator()


def build_dbt_assets(settings: Settings) -> dg.AssetsDefinition:
    """Every dbt model and seed, built with `dbt build` (tests as asset checks), with dbt's vars
    from `settings` (warehouse path, DuckDB memory, grid factor scope)."""

    @dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project,
                dagster_dbt_translator=translator, pool=WRITER_POOL)
    def dbt_warehouse(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                      warehouse: WarehouseResource):
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        # dbt creates the warehouse file, not its folder; its own log goes to data/logs/dbt.log
        Path(warehouse.path).parent.mkdir(parents=True, exist_ok=True)
        with warehouse.connect() as con:  # raw views over Parquet files of this data folder
            point_views(con)
            selection = [k.to_user_string() for k in context.selected_asset_keys] + \
                [f"{k.asset_key.to_user_string()}:{k.name}" for k in context.selected_asset_check_keys]
            inputs = inputs_fingerprint(con, code_fingerprint(dbt_project.project_dir), selection,
                                        settings.dbt_vars_arg(), publish_settings(settings))
            matched = unchanged_since(context, last_build(con), inputs, relations(con))
            if matched:
                context.instance.add_run_tags(context.run.run_id, {UNCHANGED_TAG: matched})
                context.log.info(f"nothing new since run {matched}: the same loads, code and selection, "
                                 "and that run succeeded; dbt build skipped, and with it the steps after "
                                 "it (`run --rebuild` builds anyway)")
                return
            start_build(con, context.run.run_id, inputs)
        invocation = dbt.cli(["build", *settings.dbt_vars_arg(), "--log-path", str(settings.log_dir)],
                             context=context, raise_on_error=False)
        # dbt holds the DuckDB file until it exits, so row counts and column types are read
        # afterwards: the models' events reach Dagster when dbt is done, each with its counts
        events = list(invocation.stream())
        keep_parse(invocation.target_path)
        with warehouse.connect() as con:
            yield from with_table_metadata(context, con, events)
            # dbt tests join the GX results in raw.dq_results, even when the build failed
            # (unless dbt stopped before writing its results: then the error below says why)
            try:
                run_results = invocation.get_artifact("run_results.json")
            except FileNotFoundError:
                run_results = {"results": []}
            record_dbt_tests(con, run_results, dbt_project.manifest_path,
                             context.run.run_id)
            finish_build(con, context.run.run_id, invocation.is_successful())
        client = lineage_client(settings)
        if client is not None and run_results["results"]:
            try:  # lineage is told, never in the way: an endpoint that is down fails no build
                sent = emit_dbt_events(client, settings, context.run.run_id, context.run.job_name,
                                       invocation.target_path)
                context.log.info(f"lineage: {sent} OpenLineage events for the dbt build sent")
            except Exception as exc:  # noqa: BLE001 (any transport's error)
                context.log.warning(f"lineage: the dbt build's events NOT sent: {exc}")
        if not invocation.is_successful():
            raise invocation.get_error() or RuntimeError("dbt build failed")

    return dbt_warehouse


def unchanged_since(context: dg.AssetExecutionContext, last: tuple[str, str, str, str | None] | None,
                    inputs: str, tables: str) -> str | None:
    """The run whose build this one would repeat: the last build, if it succeeded with these
    inputs in a run that succeeded (its checks passed, its publish done) and left the tables
    there are now; else None."""
    if last is None or context.run.tags.get(REBUILD_TAG) == "true":
        return None
    run_id, last_inputs, status, left = last
    previous = context.instance.get_run_by_id(run_id)
    done = previous is not None and previous.status == dg.DagsterRunStatus.SUCCESS
    return run_id if status == "succeeded" and last_inputs == inputs and left == tables and done else None


def with_table_metadata(context: dg.AssetExecutionContext, con, events: list) -> Iterator:
    """Each materialized table's row count and column schema (types as built, descriptions
    from the model's YAML) on its materialization event."""
    columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, data_type in con.execute(
            "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
            "ORDER BY table_schema, table_name, ordinal_position").fetchall():
        columns.setdefault((schema, table), []).append((column, data_type))
    docs = relation_columns(dbt_project.manifest_path)
    for event in events:
        if not isinstance(event, dg.Output):
            yield event
            continue
        relation = tuple(context.asset_key_for_output(event.output_name).path)
        if relation not in columns:  # not a table (an ephemeral model) or not built
            yield event
            continue
        described = {c: " ".join(v.get("description", "").split()) for c, v in docs.get(relation, {}).items()}
        (rows,) = con.execute(f'SELECT count(*) FROM "{relation[0]}"."{relation[1]}"').fetchone()
        yield event.with_metadata({
            **event.metadata,
            "dagster/row_count": rows,
            "dagster/column_schema": dg.TableSchema(columns=[
                dg.TableColumn(name, data_type, description=described.get(name) or None)
                for name, data_type in columns[relation]]),
        })


def keep_parse(run_target: Path) -> None:
    """Keep this run's parse where the next run looks for it. dagster-dbt gives every run a
    target folder of its own and seeds it with the project's target/partial_parse.msgpack;
    dbt reuses a parse only while vars and profile are unchanged, and ours carry the warehouse
    path, so the one `make` wrote (no vars) meant a full parse in every run (~5 s). The dbt CLI
    keeps its parse the same way; dbt itself checks that files, vars and profile still match."""
    parsed = run_target / "partial_parse.msgpack"
    if parsed.exists():
        kept = dbt_project.project_dir / dbt_project.target_path / "partial_parse.msgpack"
        shutil.copyfile(parsed, kept.with_suffix(".tmp"))
        os.replace(kept.with_suffix(".tmp"), kept)  # whole or not at all, for a run starting now


def record_dbt_tests(con, run_results: dict, manifest_path: Path, run_id: str) -> None:
    """One raw.dq_results row per dbt test that ran (suite 'dbt', partition 'all')."""
    tests = {test["unique_id"]: (test, attached) for test, attached in tests_on(manifest_path)}
    for r in run_results["results"]:
        if r["unique_id"] not in tests:
            continue
        node, attached = tests[r["unique_id"]]
        asset = f"{attached['schema']}/{attached['name']}" if attached else "dbt"
        status = r["status"]  # pass, warn, fail, error, skipped
        if status == "skipped":
            continue
        severity = "warning" if status == "warn" else "critical"
        failures = [] if status == "pass" else [Failure(
            expectation=node["name"], column=node.get("column_name"), severity=severity,
            unexpected_count=r.get("failures"), examples=[r.get("message") or status])]
        record(con, run_id=run_id, asset_key=asset, check_name=node["name"],
               version=node.get("checksum", {}).get("checksum", "")[:16] or "dbt",
               outcomes={"all": (0, ValidationOutcome("dbt", 1, failures))})
