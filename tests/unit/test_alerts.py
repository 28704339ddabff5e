"""Alerts reach a webhook receiver on 127.0.0.1 through Apprise (`json://`): a failed run and a
run that ended with a late department each make one message, naming the run and what failed.
The sensors are evaluated directly on runs of an ephemeral instance (no daemon)."""

import json

import dagster as dg
import pytest

from orchestration.alerts import build_alert_sensors
from orchestration.settings import Settings

LATE = ("waste_domestic_waste from 市住房城乡建设局 is late: 2025 was due by 2026-06-30 (年, 181 days "
        "after the period ends); the newest period landed is 2024")


@pytest.fixture
def receiver(httpserver):
    httpserver.expect_request("/alerts", method="POST").respond_with_data("ok")
    return httpserver


def sensors(tmp_path, receiver) -> dict[str, dg.SensorDefinition]:
    settings = Settings(data_dir=tmp_path, alert_urls=(f"json://127.0.0.1:{receiver.port}/alerts",))
    return {s.name: s for s in build_alert_sensors(settings)}


def messages(receiver) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in receiver.log]


def test_no_url_set_means_no_alert_sensor(tmp_path):
    assert build_alert_sensors(Settings(data_dir=tmp_path)) == []


def test_a_failed_run_sends_one_message_naming_the_run_and_the_failed_step(tmp_path, receiver):
    @dg.asset(key=["raw", "waste_domestic_waste"])
    def fetch():
        raise RuntimeError("HTTP 503 from the department's server")

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([fetch], instance=instance, raise_on_error=False)
    assert not result.success
    context = dg.build_run_status_sensor_context(
        sensor_name="alert_failed_run", dagster_instance=instance, dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event()).for_run_failure()
    sensors(tmp_path, receiver)["alert_failed_run"](context)

    (message,) = messages(receiver)
    assert "运行失败" in message["title"] and message["type"] == "failure"
    assert result.run_id in message["message"] and "raw__waste_domestic_waste" in message["message"]


def test_a_late_department_sends_one_message_naming_the_asset_the_check_and_the_run(tmp_path, receiver):
    key = dg.AssetKey(["raw", "waste_domestic_waste"])

    @dg.asset(key=key, check_specs=[dg.AssetCheckSpec("freshness", asset=key)])
    def landed():
        yield dg.Output(None)
        yield dg.AssetCheckResult(check_name="freshness", passed=False,
                                  severity=dg.AssetCheckSeverity.WARN, description=LATE)

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([landed], instance=instance)
    context = dg.build_run_status_sensor_context(
        sensor_name="alert_failed_checks", dagster_instance=instance, dagster_run=result.dagster_run,
        dagster_event=result.get_run_success_event())
    sensors(tmp_path, receiver)["alert_failed_checks"](context)

    (message,) = messages(receiver)
    assert message["type"] == "warning" and result.run_id in message["message"]
    assert "raw/waste_domestic_waste · freshness (WARN)" in message["message"]
    assert "市住房城乡建设局 is late" in message["message"]
