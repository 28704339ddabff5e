"""A department's server that fails (here: the file not yet published) is tried again later,
by the raw asset's retry policy (BAZHONG_FETCH_RETRIES, BAZHONG_FETCH_RETRY_DELAY_SECONDS),
and what it finally serves lands once. The smallest part of the graph: one raw asset and its
checks, against a server of the test's own."""

import dagster as dg
import duckdb
from werkzeug import Response

from ingestion.catalog import SAMPLE_DATA_DIR
from orchestration.definitions import build_definitions, execute_selection
from orchestration.settings import Settings

PATH = "/waste/domestic_waste.csv"


def run_raw_asset(tmp_path, httpserver, monkeypatch, department):
    """The domestic-waste raw asset, fetched from `department` (a werkzeug handler), with 3
    retries 0.05 s apart: the run's result and its settings."""
    monkeypatch.setenv("BAZHONG_PORTAL_TOKEN", "test-token")  # read through dg.EnvVar
    httpserver.expect_request(PATH).respond_with_handler(department)
    settings = Settings(data_dir=tmp_path / "data", portal_url=httpserver.url_for("/").rstrip("/"),
                        fetch_retries=3, fetch_retry_delay_seconds=0.05)
    key = dg.AssetKey(["raw", "waste_domestic_waste"])
    return execute_selection(build_definitions(settings), dg.AssetSelection.assets(key),
                             dg.DagsterInstance.ephemeral()), settings


def test_a_source_failing_twice_then_answering_lands_once(tmp_path, httpserver, monkeypatch):
    body = (SAMPLE_DATA_DIR / "waste" / "domestic_waste.csv").read_bytes()
    asked = []

    def department(request):
        asked.append(request.path)
        return Response("not yet published", status=404) if len(asked) <= 2 else Response(body)

    result, settings = run_raw_asset(tmp_path, httpserver, monkeypatch, department)
    assert result.success and len(asked) == 3
    retried = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert len(retried) == 2
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        # every attempt is in the load log; the rows landed once
        assert [s for (s,) in con.execute("SELECT status FROM raw.load_log ORDER BY fetched_at")
                .fetchall()] == ["failed", "failed", "landed"]
        landed = con.execute("SELECT rows_landed FROM raw.load_log WHERE status = 'landed'").fetchone()[0]
        assert con.execute("SELECT count(*) FROM raw.waste_domestic_waste").fetchone()[0] == landed > 0


def test_a_file_that_breaks_the_contract_is_not_fetched_again(tmp_path, httpserver, monkeypatch):
    """Bad data is not fixed by waiting: a LoadError fails the asset at once."""
    asked = []

    def department(request):
        asked.append(request.path)
        return Response("年份,县区\n2024,巴州区\n".encode("gb18030"))  # the contract's columns missing

    result, _ = run_raw_asset(tmp_path, httpserver, monkeypatch, department)
    assert not result.success and len(asked) == 1
