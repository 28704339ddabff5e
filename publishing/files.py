"""Atomic replacement: write beside the target, then rename over it; and what keeps a failed
publish from leaving a mess: a free-space check first, every temp file gone after a failure."""

import contextlib
import errno
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path


class PublishError(RuntimeError):
    """Publishing could not finish; the last release stays as it was."""


def temp_path(target: Path) -> Path:
    """A hidden sibling of `target` to write first (same folder, so rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    if tmp.is_dir():
        shutil.rmtree(tmp)
    else:
        tmp.unlink(missing_ok=True)
    return tmp


def replace_dir(built: Path, target: Path) -> None:
    """Swap a fully built folder into place: one rename away from the old one, one into
    place; a reader between the two sees no folder rather than a half-written one."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(built, target)
    shutil.rmtree(old, ignore_errors=True)


# What temp_path and replace_dir leave while they work (DuckDB adds .wal beside a database).
TEMP_NAME = re.compile(r"^\..+\.(?:tmp|old)(?:\.wal)?$")
# Free space a publish wants beyond what the last release takes.
MIN_FREE_BYTES = 64 * 1024 * 1024


def remove_temp_files(publish_dir: Path) -> list[Path]:
    """Remove every temp file or folder under publish_dir (after a failed publish)."""
    found = [p for p in publish_dir.rglob(".*") if TEMP_NAME.match(p.name)] if publish_dir.is_dir() else []
    for path in sorted(found, key=lambda p: len(p.parts)):  # a temp folder before what is inside it
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return found


def check_free_space(publish_dir: Path) -> None:
    """Refuse to start a publish that the disk cannot hold: a release is written beside the
    last one before it replaces it, so about the last release's size must be free (at least
    MIN_FREE_BYTES)."""
    publish_dir.mkdir(parents=True, exist_ok=True)
    last = sum(p.stat().st_size for p in publish_dir.rglob("*") if p.is_file())
    needed, free = max(last, MIN_FREE_BYTES), shutil.disk_usage(publish_dir).free
    if free < needed:
        raise PublishError(f"not enough free disk space to publish in {publish_dir}: {free / 2**20:.1f} MiB "
                           f"free, about {needed / 2**20:.1f} MiB needed (the last release's size, at "
                           f"least {MIN_FREE_BYTES / 2**20:.0f} MiB); nothing was written, the last "
                           "release stays")


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, shutil.Error):  # copytree gathers (source, target, why) per file
        return any("No space left on device" in str(why) for *_, why in exc.args[0])
    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left on device" in str(exc)


@contextlib.contextmanager
def cleaned_up_on_failure(publish_dir: Path, what: str) -> Iterator[None]:
    """Around each publish step: on any failure its temp files go (the files already published
    stay as they were), and a full disk is said in plain words, naming the step and folder."""
    try:
        yield
    except BaseException as exc:
        remove_temp_files(publish_dir)
        if _disk_full(exc):
            free = shutil.disk_usage(publish_dir).free if publish_dir.exists() else 0
            raise PublishError(f"{what}: the disk holding {publish_dir} is full ({free / 2**20:.1f} MiB "
                               "free); its temp files were removed and the last release stays. Free "
                               "some space and run again") from exc
        if isinstance(exc, shutil.Error):
            source, target, why = exc.args[0][0]
            raise PublishError(f"{what}: copying {source} to {target} failed: {why} (and "
                               f"{len(exc.args[0]) - 1} more); temp files removed") from exc
        raise


# What each published output was last built from (publish_dir/.fingerprints.json): a rerun
# with nothing changed rewrites no file, so readers, sync jobs and caches see no new version.
FINGERPRINTS = ".fingerprints.json"


def recorded_fingerprint(publish_dir: Path, name: str) -> str | None:
    try:
        return json.loads((publish_dir / FINGERPRINTS).read_text(encoding="utf-8")).get(name)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def up_to_date(publish_dir: Path, name: str, fingerprint: str | None, outputs: list[Path]) -> bool:
    """True when `name` was last built from `fingerprint` and its outputs are all there."""
    return (fingerprint is not None and recorded_fingerprint(publish_dir, name) == fingerprint
            and all(p.exists() for p in outputs))


def record_fingerprint(publish_dir: Path, name: str, fingerprint: str | None) -> None:
    path = publish_dir / FINGERPRINTS
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        recorded = {}
    recorded[name] = fingerprint
    tmp = temp_path(path)
    tmp.write_text(json.dumps(recorded, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
