"""A run killed with SIGKILL during landing (as the out-of-memory killer would) does not make
the next run hang: the next run marks it failed, frees its writer slot, and lands the same
raw rows as a clean run, with no duplicates."""

import os
import signal
import subprocess
import sys
import time

import dagster as dg
import duckdb

from ingestion import load_catalog
from orchestration.resources import WRITER_POOL
from orchestration.settings import REPO_DIR


def raw_counts(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {ds.id: con.execute(f"SELECT count(*) FROM {ds.raw_table}").fetchone()[0]
                for ds in load_catalog().values()}


def test_a_killed_run_is_recovered_and_the_next_run_lands_the_same_rows(published, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAZHONG_") and k != "DAGSTER_HOME"}
    env["BAZHONG_DATA_DIR"] = str(tmp_path / "data")  # `make run` as a user starts it, raw layer only
    command = [sys.executable, "-m", "orchestration", "run", "--layer", "raw"]
    first = subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    started = time.monotonic()
    for line in first.stdout:  # kill it as soon as the first source has landed
        if " raw/" in line or time.monotonic() - started > 180:
            break
    first.send_signal(signal.SIGKILL)
    first.wait()
    with dg.DagsterInstance.from_config(str(tmp_path / "data" / "dagster")) as instance:
        (killed,) = instance.get_run_records()
        assert killed.dagster_run.status == dg.DagsterRunStatus.STARTED  # it never said it ended
        assert instance.event_log_storage.get_concurrency_info(WRITER_POOL).active_run_ids == {
            killed.dagster_run.run_id}

    second = subprocess.run(command, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert f"recovered run {killed.dagster_run.run_id}" in second.stdout
    assert raw_counts(tmp_path / "data" / "warehouse.duckdb") == raw_counts(published.settings.warehouse_path)
    with dg.DagsterInstance.from_config(str(tmp_path / "data" / "dagster")) as instance:
        statuses = {r.dagster_run.run_id: r.dagster_run.status for r in instance.get_run_records()}
    assert statuses[killed.dagster_run.run_id] == dg.DagsterRunStatus.FAILURE
    assert sorted(s.value for s in statuses.values()) == ["FAILURE", "SUCCESS"]
