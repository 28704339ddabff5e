"""Atomic replacement: write beside the target, then rename over it."""

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
