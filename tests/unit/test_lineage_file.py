"""OpenLineage to a file (BAZHONG_LINEAGE_URL=file:///…): one JSON event per line; the
daemon's run-status sensors send a run and each asset it materialized."""

import json
import uuid

import dagster as dg
import pytest

from orchestration.lineage import asset_deps, build_lineage_sensors, emit_run_start, lineage_client
from orchestration.settings import Settings


def test_no_url_means_no_client_and_a_file_url_gets_one_event_per_line(tmp_path):
    assert lineage_client(Settings(data_dir=tmp_path)) is None
    path = tmp_path / "lineage" / "events.jsonl"
    client = lineage_client(Settings(data_dir=tmp_path, lineage_url=f"file://{path}"))
    assert client is not None
    run_ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    for run_id in run_ids:
        emit_run_start(client, run_id, "materialize_all")
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(e["eventType"], e["run"]["runId"], e["job"]) for e in events] == [
        ("START", run_id, {"namespace": "bazhong", "name": "bazhong.materialize_all", "facets": {}})
        for run_id in run_ids]


def test_a_lineage_url_that_is_neither_http_nor_a_file_is_refused(tmp_path):
    with pytest.raises(ValueError, match="BAZHONG_LINEAGE_URL"):
        Settings(data_dir=tmp_path, lineage_url="marquez:5000")


def test_under_the_daemon_a_sensor_sends_the_run_and_each_asset_it_materialized(tmp_path):
    path = tmp_path / "events.jsonl"
    settings = Settings(data_dir=tmp_path, lineage_url=f"file://{path}")
    key = dg.AssetKey(["published", "exports"])

    @dg.asset(key=key, deps=[dg.AssetKey(["marts", "mart_carbon"])])
    def exports():
        return dg.MaterializeResult(metadata={"files": dg.MetadataValue.json([str(tmp_path / "csv")])})

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([exports], instance=instance)
    sensors = {s.name: s for s in build_lineage_sensors(settings, asset_deps([exports]))}
    assert set(sensors) == {"lineage_run_started", "lineage_run_succeeded", "lineage_run_failed"}
    context = dg.build_run_status_sensor_context(
        sensor_name="lineage_run_succeeded", dagster_instance=instance, dagster_run=result.dagster_run,
        dagster_event=result.get_run_success_event())
    sensors["lineage_run_succeeded"](context)

    asset, run = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert (run["eventType"], run["run"]["runId"]) == ("COMPLETE", result.run_id)
    assert asset["job"]["name"] == "bazhong.published/exports"
    assert asset["run"]["facets"]["parent"]["run"]["runId"] == result.run_id
    assert [(i["namespace"], i["name"]) for i in asset["inputs"]] == [
        (f"duckdb://{settings.warehouse_path}", "warehouse.marts.mart_carbon")]
    assert [(o["namespace"], o["name"]) for o in asset["outputs"]] == [("file", str(tmp_path / "csv"))]
