"""Alerts through Apprise: a failed run, and a run that ended with failed checks (a late
department among them), each one message to every URL of BAZHONG_ALERT_URLS. Apprise speaks
the channels a city's teams use, one URL form for all: `dingtalk://…` (钉钉), `wecombot://…`
(企业微信), `mailtos://…`, or any webhook (`json://host/path` posts the message as JSON).
Nothing is sent, and no sensor exists, when no URL is set.

`python -m orchestration run` sends them at its end; under the daemon (`make ui`, the
production services) two run-status sensors send the same for every run however it was
started, stopped unless BAZHONG_AUTOMATION=on, like the schedules. One formatter for both
(`run_alert`)."""

from __future__ import annotations

import dagster as dg

from .settings import Settings


def send(urls: tuple[str, ...], title: str, body: str, failure: bool) -> None:
    """One message to every URL; raises when none accepted it (the sensor's tick then fails
    and shows why in the UI)."""
    import apprise  # only where alerts are sent

    notifier = apprise.Apprise()
    for url in urls:
        if not notifier.add(url):
            raise ValueError(f"BAZHONG_ALERT_URLS: not an Apprise URL: {url.split('://')[0]}://…")
    kind = apprise.NotifyType.FAILURE if failure else apprise.NotifyType.WARNING
    if not notifier.notify(title=title, body=body, notify_type=kind):
        raise RuntimeError(f"alert not delivered to any of {len(urls)} URL(s): {title}")


def failed_checks(instance: dg.DagsterInstance, run_id: str) -> list[dg.AssetCheckEvaluation]:
    """The run's asset checks that did not pass: errors (the gate) first, then warnings."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    evaluations = [r.event_log_entry.dagster_event.asset_check_evaluation_data for r in records
                   if r.event_log_entry.dagster_event is not None]
    return sorted((e for e in evaluations if not e.passed),
                  key=lambda e: e.severity != dg.AssetCheckSeverity.ERROR)


def check_lines(checks: list[dg.AssetCheckEvaluation]) -> list[str]:
    """A line per failed check: its asset, its name, its severity and what it says (a
    freshness check names the late department)."""
    return [f"- {c.asset_key.to_user_string()} · {c.check_name} ({c.severity.value}): "
            f"{(c.description or '').splitlines()[0] if c.description else 'failed'}" for c in checks]


def run_alert(instance: dg.DagsterInstance, run: dg.DagsterRun,
              failure: str | None) -> tuple[str, str, bool] | None:
    """(title, body, is_failure) for a finished run: a failed run (`failure`: why), or one that
    succeeded with checks not passed; None when there is nothing to say."""
    checks = failed_checks(instance, run.run_id)
    if failure is not None:
        records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE).records
        steps = sorted({e.step_key for r in records if (e := r.event_log_entry.dagster_event) and e.step_key})
        lines = [f"run {run.run_id} ({run.job_name}) failed: {failure}".strip(),
                 *[f"failed step: {s}" for s in steps], *check_lines(checks)]
        return f"巴中数据仓库：运行失败 run failed ({run.job_name})", "\n".join(lines), True
    if not checks:
        return None
    lines = [f"run {run.run_id} ({run.job_name}) succeeded with {len(checks)} check(s) not passed:",
             *check_lines(checks)]
    return f"巴中数据仓库：检查未通过 checks not passed ({len(checks)})", "\n".join(lines), False


def alert_after_run(settings: Settings, instance: dg.DagsterInstance, run: dg.DagsterRun,
                    failure: str | None) -> None:
    """What `python -m orchestration run` sends at its end (the daemon's sensors do the same
    for the runs it sees); a message not delivered is reported, never fails the run."""
    alert = run_alert(instance, run, failure) if settings.alert_urls else None
    if alert:
        try:
            send(settings.alert_urls, *alert)
            print(f"alert sent: {alert[0]}")
        except (ValueError, RuntimeError) as exc:
            print(f"alert NOT sent: {exc}")


def build_alert_sensors(settings: Settings) -> list[dg.SensorDefinition]:
    urls = settings.alert_urls
    if not urls:
        return []
    status = dg.DefaultSensorStatus.RUNNING if settings.automation else dg.DefaultSensorStatus.STOPPED

    @dg.run_failure_sensor(name="alert_failed_run", default_status=status,
                           description="Sends a message to BAZHONG_ALERT_URLS for every failed run: "
                                       "the run, its job, the failed steps and checks.")
    def alert_failed_run(context: dg.RunFailureSensorContext):
        alert = run_alert(context.instance, context.dagster_run, context.failure_event.message or "")
        assert alert is not None  # a failure always has something to say
        send(urls, *alert)

    @dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="alert_failed_checks",
                          default_status=status,
                          description="Sends a message to BAZHONG_ALERT_URLS when a run succeeded "
                                      "with checks that did not pass (a late department, a warning).")
    def alert_failed_checks(context: dg.RunStatusSensorContext):
        alert = run_alert(context.instance, context.dagster_run, None)
        if alert is None:
            return dg.SkipReason(f"run {context.dagster_run.run_id}: every check passed")
        send(urls, *alert)
        return None

    return [alert_failed_run, alert_failed_checks]
