"""After a crash: a run whose process was killed (SIGKILL, out of memory) never says it ended,
and keeps the DuckDB writer slot (pool duckdb_writer, one slot), so every later run would wait
for it for ever. Each `make run` and `make ui` first marks such runs failed and frees their
slots; a slot held by a run that is really running is waited for, boundedly, naming the run.

Runs started by `make run` carry the pid and host of their process (tags below); runs the UI's
daemon launches are watched by Dagster's run monitoring (orchestration/dagster.yaml)."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

import dagster as dg

from .resources import WRITER_POOL

PID_TAG, HOST_TAG = "bazhong/pid", "bazhong/host"
UNFINISHED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def process_tags() -> dict[str, str]:
    """Tags for a run executed in this process: how a later run tells whether it is alive."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _gone(run: dg.DagsterRun) -> bool:
    """A run of this machine whose process no longer exists."""
    pid = run.tags.get(PID_TAG)
    return run.tags.get(HOST_TAG) == socket.gethostname() and pid is not None and not _alive(int(pid))


def recover_crashed_runs(instance: dg.DagsterInstance, say: Callable[[str], None] = print) -> list[str]:
    """Mark failed the unfinished runs whose process is gone and free every writer slot held by
    a run that is not running; returns the run ids recovered."""
    recovered = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=UNFINISHED)):
        run = record.dagster_run
        if _gone(run):
            instance.report_run_failed(run, message=f"its process ({run.tags[PID_TAG]}) is gone: killed "
                                                    "or out of memory; marked failed by the next run")
            recovered.append(run.run_id)
    storage = instance.event_log_storage
    for run_id in storage.get_concurrency_info(WRITER_POOL).active_run_ids:
        found = instance.get_run_record_by_id(run_id)
        if found is None or found.dagster_run.is_finished:
            storage.free_concurrency_slots_for_run(run_id)
            if run_id not in recovered:
                recovered.append(run_id)
    for run_id in recovered:
        say(f"recovered run {run_id}: its process had ended without finishing; marked failed, "
            f"its {WRITER_POOL} slot freed (the data it landed stays: loads are all or nothing)")
    return recovered


def wait_for_writer(instance: dg.DagsterInstance, timeout_s: float, say: Callable[[str], None] = print,
                    poll_s: float = 2.0) -> None:
    """Wait (at most `timeout_s`) while another run holds the DuckDB writer slot; raise a
    clear error naming it, and how to clear it, when the wait runs out."""
    deadline, told = time.monotonic() + timeout_s, False
    while holders := sorted(instance.event_log_storage.get_concurrency_info(WRITER_POOL).active_run_ids):
        described = ", ".join(_describe(instance, run_id) for run_id in holders)
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"the DuckDB writer slot is still held after {timeout_s:.0f} s by {described}. "
                "If that run is really gone, mark it failed in `make ui` (Runs → Terminate), or "
                f"`DAGSTER_HOME={instance.root_directory} .venv/bin/dagster run delete {holders[0]}`; "
                "then run again (BAZHONG_WRITER_WAIT_SECONDS sets this wait)")
        if not told:
            say(f"waiting for the DuckDB writer slot, held by {described} "
                f"(at most {timeout_s:.0f} s)")
            told = True
        time.sleep(poll_s)
        recover_crashed_runs(instance, say)  # it may die while we wait


def _describe(instance: dg.DagsterInstance, run_id: str) -> str:
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        return f"run {run_id} (no longer in the run history)"
    run = record.dagster_run
    where = f", pid {run.tags[PID_TAG]} on {run.tags.get(HOST_TAG)}" if PID_TAG in run.tags else ""
    return f"run {run_id} ({run.job_name}, {run.status.value}{where})"
