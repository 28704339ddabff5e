"""What `make run` shows while it runs: one line per asset as it finishes (rows, seconds, its
checks), failed steps as they fail; everything else (Dagster's event stream, dbt's ~600
lines) goes to the run's log file, which the summary names."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

import dagster as dg
from dagster._core.log_manager import get_log_record_metadata, has_log_record_metadata

STATUS = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL", "unchecked": "--  "}


@dataclass
class AssetProgress:
    rows: int | None = None
    seconds: float | None = None
    materialized: bool = False
    checks: list[tuple[bool, str]] = field(default_factory=list)  # (passed, severity)
    printed: bool = False


class RunProgress(logging.Handler):
    """A logging handler for a Dagster run: prints to `out`, writes every record to `log`.

    `expected_checks`: how many checks each asset has in the run, so that an asset's line
    waits for its checks (the raw GX gate runs in a step after the asset's own). With
    `echo_info`, the raw steps' INFO messages are printed too (each file landed, each load
    validated): what a long run (the benchmark's) shows as it goes."""

    def __init__(self, out: TextIO, log: TextIO, expected_checks: dict[dg.AssetKey, int],
                 echo_info: bool = False):
        super().__init__(level=logging.DEBUG)
        self.out, self.log, self.expected, self.echo_info = out, log, expected_checks, echo_info
        self.assets: dict[dg.AssetKey, AssetProgress] = {}
        self.step_started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        self.log.write(f"{time.strftime('%H:%M:%S')} {record.levelname} {record.getMessage()}\n")
        if not has_log_record_metadata(record):
            return
        meta = get_log_record_metadata(record)
        event: dg.DagsterEvent | None = meta["dagster_event"]
        if event is None:
            raw_step = (meta["step_key"] or "").startswith("raw__")
            if self.echo_info and raw_step and record.levelno >= logging.INFO:
                self._print(f"     {meta['orig_message']}")
            return
        step_key = event.step_key or ""
        if event.event_type == dg.DagsterEventType.STEP_START:
            self.step_started[step_key] = time.monotonic()
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            m = event.step_materialization_data.materialization
            progress = self.assets.setdefault(m.asset_key, AssetProgress())
            rows = m.metadata.get("dagster/row_count")
            progress.rows = int(rows.value) if rows and isinstance(rows.value, int) else None
            started = self.step_started.get(step_key)
            # dbt reports each model's own time; other steps are one asset each
            duration = m.metadata.get("Execution Duration")
            seconds = duration.value if duration else None
            progress.seconds = float(seconds) if isinstance(seconds, (int, float)) else \
                (time.monotonic() - started if started else None)
            progress.materialized = True
            self._maybe_print(m.asset_key)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            e = event.asset_check_evaluation_data
            self.assets.setdefault(e.asset_key, AssetProgress()).checks.append(
                (e.passed, e.severity.value))
            self._maybe_print(e.asset_key)
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            message = ((error.cause or error).message if error else "").strip()
            self._print(f"FAILED {event.step_key}: {message.splitlines()[0] if message else ''}")
        elif event.event_type in {dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE}:
            for key in list(self.assets):
                self._maybe_print(key, final=True)

    def _maybe_print(self, key: dg.AssetKey, final: bool = False) -> None:
        p = self.assets[key]
        if p.printed or not p.materialized or (len(p.checks) < self.expected.get(key, 0) and not final):
            return
        p.printed = True
        failed = Counter(severity for passed, severity in p.checks if not passed)
        status = ("fail" if failed.get("ERROR") else "warn" if failed else
                  "ok" if p.checks else "unchecked")
        rows = f"{p.rows:>9,} rows" if p.rows is not None else " " * 14
        seconds = f"{p.seconds:>6.1f} s" if p.seconds is not None else " " * 8
        checks = f"checks {len(p.checks) - sum(failed.values())}/{len(p.checks)} passed" \
            if p.checks else ""
        self._print(f"{STATUS[status]} {key.to_user_string():<54} {rows} {seconds}  {checks}".rstrip())

    def _print(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()


def execute_with_progress(job: dg.JobDefinition, handler: RunProgress, **kwargs) -> dg.ExecuteInProcessResult:
    """`job.execute_in_process(**kwargs)` with `handler` as the run's only logger."""
    @dg.logger(None, description="One line per asset as it finishes; every record to the run's log file.")
    def progress(_init_context) -> logging.Logger:
        logger = logging.Logger("bazhong.run", level=logging.DEBUG)
        logger.addHandler(handler)
        return logger

    return job.with_logger_defs({"progress": progress}).execute_in_process(
        run_config={"loggers": {"progress": {}}}, **kwargs)
