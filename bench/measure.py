"""A step of the benchmark as a user waits for it: a whole child process, imports included, with
its wall and CPU time, the peak memory of it and of its own children, what it says as it goes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path


def tree_rss_mb(root: int) -> tuple[int, int]:
    """RSS of a process and all its descendants now, in MB (from /proc): (their sum, the
    largest one)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, largest, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        total, largest = total + rss.get(pid, 0), max(largest, rss.get(pid, 0))
        todo += children.get(pid, [])
    return total // 2**20, largest // 2**20


def child(args: list[str], show: Callable[[str], None] = print) -> dict:
    """Run `python -m <args>`: its JSON line, plus the wall time of the whole process, its CPU
    seconds (with its children's: dbt), the load average after it, and the peak RSS, sampled
    every 0.1 s from /proc: of the processes alive together (`peak_rss_mb_total`) and of the
    largest one (`peak_rss_mb`). Not getrusage's ru_maxrss: a child forked from this process
    starts with this process's high-water mark. What the child says on stderr as it goes
    (files landed, loads validated, assets done) is shown through `show`."""
    started = time.monotonic()
    tail: deque[str] = deque(maxlen=60)
    peak = [0, 0]
    with tempfile.TemporaryFile("w+") as out:  # the JSON line, after dbt's own output
        proc = subprocess.Popen([sys.executable, "-m", *args], stdout=out, stderr=subprocess.PIPE,
                                text=True)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                total, largest = tree_rss_mb(proc.pid)
                peak[0], peak[1] = max(peak[0], total), max(peak[1], largest)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        assert proc.stderr is not None  # Popen(stderr=PIPE)
        for line in proc.stderr:
            tail.append(line)
            if line.startswith(("  ", "ok ", "WARN", "FAIL", "-- ")):  # progress, not tracebacks
                show(f"    {line.rstrip()}")
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read()
        if proc.returncode != 0:
            raise SystemExit(f"bench step {' '.join(args)} failed (exit {proc.returncode}):\n"
                             f"{''.join(tail)}\n{stdout[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["inner_s"] = result.pop("seconds")
    result["seconds"] = round(time.monotonic() - started, 2)  # what a user waits for
    result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    result["load_average_1m"] = round(os.getloadavg()[0], 2)
    result["peak_rss_mb"] = peak[1]
    result["peak_rss_mb_total"] = peak[0]
    return result
