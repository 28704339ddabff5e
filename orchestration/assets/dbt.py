"""dbt layers (seeds → staging → intermediate → marts) as Dagster assets through dagster-dbt.

The manifest is prepared by `make` (`dbt parse`); dbt tests become Dagster asset checks.
"""


import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from expectations import Failure, ValidationOutcome, record

from ..resources import WRITER_POOL, WarehouseResource
from ..settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

LAYERS = ("staging", "intermediate", "marts")


class LayerTranslator(DagsterDbtTranslator):
    """Groups by layer (reference seeds, staging, intermediate, marts): the UI reads like the
    data flow in DESIGN.md. Keys are dagster-dbt's default, <schema>/<model>, so they name
    the layer too (marts/mart_solid_waste_utilization)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return next((layer for layer in LAYERS if layer in fqn), "marts")


translator = LayerTranslator()


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project,
            dagster_dbt_translator=translator, pool=WRITER_POOL)
def dbt_warehouse(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                  warehouse: WarehouseResource):
    # The warehouse path goes to dbt as a var, so tests and runs point dbt at their own file.
    Path(warehouse.path).parent.mkdir(parents=True, exist_ok=True)  # dbt creates the file, not its folder
    args = ["build", "--vars", json.dumps({"warehouse_path": warehouse.path})]
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    yield from invocation.stream()
    keep_parse(invocation.target_path)
    # dbt tests join the GX results in raw.dq_results, even when the build failed (unless dbt
    # stopped before writing its results: then the error below says why)
    try:
        run_results = invocation.get_artifact("run_results.json")
    except FileNotFoundError:
        run_results = {"results": []}
    with warehouse.connect() as con:
        record_dbt_tests(con, run_results,
                         json.loads(dbt_project.manifest_path.read_text(encoding="utf-8")),
                         context.run.run_id)
    if not invocation.is_successful():
        raise invocation.get_error()


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


def record_dbt_tests(con, run_results: dict, manifest: dict, run_id: str) -> None:
    """One raw.dq_results row per dbt test that ran (suite 'dbt', partition 'all')."""
    for r in run_results["results"]:
        node = manifest["nodes"].get(r["unique_id"], {})
        if node.get("resource_type") not in {"test", "unit_test"}:
            continue
        attached = manifest["nodes"].get(node.get("attached_node") or "", {})
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
               partition="all", rows=0, outcome=ValidationOutcome("dbt", 1, failures))
