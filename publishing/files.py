"""Atomic replacement: write beside the target, then rename over it."""

import json
import os
import shutil
from pathlib import Path


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


def record_fingerprint(publish_dir: Path, name: str, fingerprint: str) -> None:
    path = publish_dir / FINGERPRINTS
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        recorded = {}
    recorded[name] = fingerprint
    tmp = temp_path(path)
    tmp.write_text(json.dumps(recorded, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
