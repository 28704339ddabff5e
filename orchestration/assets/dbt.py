"""dbt layers (seeds → staging → intermediate → marts) as Dagster assets through dagster-dbt.

The manifest is prepared by `make` (`dbt parse`); dbt tests become Dagster asset checks.
"""


import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

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
    args = ["build", "--vars", json.dumps({"warehouse_path": warehouse.path})]
    yield from dbt.cli(args, context=context).stream()
