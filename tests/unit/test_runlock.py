"""One run per data folder: a second `run` on a folder another process holds waits, naming the
holder, and refuses when the wait runs out; the lock dies with its process."""

import os
import signal
import subprocess
import sys
import time

import pytest

from orchestration.runlock import FolderBusy, data_folder_lock
from orchestration.runs import run
from orchestration.settings import Settings

HOLD = """
import sys, time
from pathlib import Path
from orchestration.runlock import data_folder_lock
with data_folder_lock(Path(sys.argv[1]), wait_s=0):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def holder(data_dir, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(data_dir), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_run_on_a_held_folder_refuses_naming_the_holder(tmp_path, capsys):
    data = tmp_path / "data"
    proc = holder(data, 60)
    try:
        started = time.monotonic()
        assert run(Settings(data_dir=data, writer_wait_seconds=0.5)) == 2
        assert time.monotonic() - started < 10  # refused before any portal, Dagster or dbt
        captured = capsys.readouterr()
        assert f"waiting for pid {proc.pid} on " in captured.out
        assert f"NOT STARTED: {data} is in use by pid {proc.pid} on " in captured.err
    finally:
        proc.kill()
        proc.wait()


def test_the_lock_goes_with_its_process_even_killed(tmp_path):
    data = tmp_path / "data"
    proc = holder(data, 60)
    with pytest.raises(FolderBusy), data_folder_lock(data, wait_s=0):
        pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with data_folder_lock(data, wait_s=0):  # no stale lock to clear by hand
        assert f"pid {os.getpid()} " in (data / ".run.lock").read_text(encoding="utf-8")


def test_a_second_run_waits_for_the_first_to_finish(tmp_path):
    data = tmp_path / "data"
    proc = holder(data, 1.0)
    said = []
    with data_folder_lock(data, wait_s=30, say=said.append, poll_s=0.05):
        assert proc.wait(timeout=10) == 0  # the first had finished
    assert said and f"pid {proc.pid}" in said[0]
