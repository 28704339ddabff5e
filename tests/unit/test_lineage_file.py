"""OpenLineage to a file (BAZHONG_LINEAGE_URL=file:///…): one JSON event per line."""

import json
import uuid

import pytest

from orchestration.lineage import emit_run_start, lineage_client
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
