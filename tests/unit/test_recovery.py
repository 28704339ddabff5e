"""After a crash: a run whose process is gone is marked failed and its DuckDB writer slot
freed; a slot held by a live run is waited for, boundedly, with a message naming the run."""

import socket
import uuid

import dagster as dg
import pytest
from dagster._core.test_utils import create_run_for_test

from orchestration.recovery import HOST_TAG, PID_TAG, process_tags, recover_crashed_runs, wait_for_writer
from orchestration.resources import WRITER_POOL


@pytest.fixture
def instance(tmp_path):
    with dg.DagsterInstance.local_temp(str(tmp_path), overrides={
            "concurrency": {"pools": {"default_limit": 1}}}) as inst:
        inst.event_log_storage.initialize_concurrency_limit_to_default(WRITER_POOL)
        yield inst


def started_run_holding_the_writer(instance, tags: dict[str, str]) -> str:
    run_id = str(uuid.uuid4())
    create_run_for_test(instance, job_name="materialize_all", run_id=run_id, tags=tags,
                        status=dg.DagsterRunStatus.STARTED)
    instance.event_log_storage.claim_concurrency_slot(WRITER_POOL, run_id, "raw__economy_gdp")
    return run_id


def holders(instance) -> set[str]:
    return instance.event_log_storage.get_concurrency_info(WRITER_POOL).active_run_ids


def test_a_run_whose_process_is_gone_is_marked_failed_and_frees_the_writer(instance):
    dead = started_run_holding_the_writer(instance, {PID_TAG: "999999999", HOST_TAG: socket.gethostname()})
    said = []
    assert recover_crashed_runs(instance, said.append) == [dead]
    assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
    assert holders(instance) == set() and dead in said[0]
    wait_for_writer(instance, timeout_s=0.1, poll_s=0.01)  # nothing to wait for


def test_a_live_run_keeps_the_writer_and_the_wait_is_bounded_and_names_it(instance):
    alive = started_run_holding_the_writer(instance, process_tags())  # this very process
    elsewhere = started_run_holding_the_writer(instance, {PID_TAG: "1", HOST_TAG: "another-host"})
    assert recover_crashed_runs(instance, print) == []  # neither is ours to judge dead
    instance.event_log_storage.free_concurrency_slots_for_run(elsewhere)
    with pytest.raises(RuntimeError, match=f"still held after 0 s by run {alive} .*pid") as error:
        wait_for_writer(instance, timeout_s=0.2, poll_s=0.05, say=lambda _: None)
    assert f"dagster run delete {alive}" in str(error.value)
    assert instance.get_run_by_id(alive).status == dg.DagsterRunStatus.STARTED
