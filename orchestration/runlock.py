"""One run per data folder. Two `make run`s on one folder would both pass the start check,
interleave their writes for minutes and both publish; so every command that writes the
warehouse (run, ui, accept-load) first takes an exclusive flock on data_dir/.run.lock. The
OS releases it when the process ends however it ends (killed, out of memory), so a crash
never leaves it held. The holder writes who it is into the file: a second run waits for it
(boundedly), naming it.

`make ui` holds it while the UI is open: the runs its daemon launches go one at a time through
Dagster's run queue (orchestration/dagster.yaml), and no command-line run joins them."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

LOCK_NAME = ".run.lock"


class FolderBusy(RuntimeError):
    """Another process kept the data folder for longer than we would wait."""


@contextlib.contextmanager
def data_folder_lock(data_dir: Path, wait_s: float, say: Callable[[str], None] = print,
                     poll_s: float = 0.5) -> Iterator[None]:
    """Hold data_dir's run lock for the block; wait at most `wait_s` for another holder,
    then raise FolderBusy naming it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    deadline, told = time.monotonic() + wait_s, False
    with open(path, "a+", encoding="utf-8") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = path.read_text(encoding="utf-8").strip() or "another process"
                if time.monotonic() >= deadline:
                    raise FolderBusy(
                        f"{data_dir} is in use by {holder}; waited {wait_s:.0f} s. One run per data "
                        "folder at a time: let it finish, or stop it (the lock goes with its "
                        "process); BAZHONG_WRITER_WAIT_SECONDS sets this wait") from None
                if not told:
                    say(f"waiting for {holder} to finish with {data_dir} (at most {wait_s:.0f} s)")
                    told = True
                time.sleep(poll_s)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()} (`{' '.join(sys.argv[1:3]) or 'python'}`, "
                 f"since {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z})\n")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
