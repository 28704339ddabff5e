"""OpenLineage events reach an HTTP receiver on 127.0.0.1 (the Marquez API's path): the
Dagster run's START and COMPLETE, a raw asset's event reading its source's URL, and
openlineage-dbt's events for the dbt models it built, every one a child of the run."""

import dataclasses
import json
import uuid

import dagster as dg

from orchestration.definitions import ALL_ASSETS_JOB, build_definitions, execute_selection
from orchestration.lineage import asset_deps, lineage_around_run

RAW = dg.AssetKey(["raw", "economy_gdp"])


def test_a_run_sends_lineage_for_itself_its_assets_and_its_dbt_models(pipeline, httpserver):
    httpserver.expect_request("/api/v1/lineage", method="POST").respond_with_data("", status=201)
    settings = dataclasses.replace(pipeline.settings, lineage_url=f"http://127.0.0.1:{httpserver.port}")
    defs = build_definitions(settings)
    run_id = str(uuid.uuid4())
    assets = [a for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)]
    end = lineage_around_run(settings, pipeline.instance, run_id, ALL_ASSETS_JOB, asset_deps(assets))
    result = execute_selection(defs, dg.AssetSelection.assets(RAW).downstream(depth=1), pipeline.instance,
                               run_id=run_id)
    assert result.success
    end(None)

    events = [json.loads(request.get_data()) for request, _ in httpserver.log]
    run = [e for e in events if e["job"]["name"] == f"bazhong.{ALL_ASSETS_JOB}"]
    assert [(e["eventType"], e["run"]["runId"]) for e in run] == [("START", run_id), ("COMPLETE", run_id)]
    children = [e for e in events if e not in run]
    assert children and all(e["run"]["facets"]["parent"]["run"]["runId"] == run_id for e in children)
    namespace = f"duckdb://{settings.warehouse_path}"

    (raw,) = [e for e in children if e["job"]["name"] == "bazhong.raw/economy_gdp"]
    assert raw["eventType"] == "COMPLETE"
    assert [i["namespace"] for i in raw["inputs"]] == [settings.portal_url.rstrip("/")]
    assert [(o["namespace"], o["name"]) for o in raw["outputs"]] == [(namespace, "warehouse.raw.economy_gdp")]

    model = [e for e in children if e["eventType"] == "COMPLETE"
             and [o["name"] for o in e["outputs"]] == ["warehouse.staging.stg_economy__gdp"]]
    assert model, sorted({e["job"]["name"] for e in children})
    read = {(i["namespace"], i["name"]) for i in model[0]["inputs"]}
    assert (namespace, "warehouse.raw.economy_gdp") in read
    assert "schema" in model[0]["outputs"][0]["facets"]  # the model's columns, as dbt documents them
