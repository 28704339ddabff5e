"""The bundled sample data (see generate.py): files the local portal serves, and files a
department sends by file transfer, which `make run` puts in the drop folder."""

from __future__ import annotations

import shutil
from pathlib import Path

DROP_SAMPLE_DIR = Path(__file__).resolve().parent / "drop"


def install_sample_drops(drop_dir: Path) -> list[Path]:
    """Copy the bundled drop files into `drop_dir`, never overwriting a file already there
    (a file a user put there, say a revision, wins)."""
    copied = []
    for src in sorted(p for p in DROP_SAMPLE_DIR.rglob("*") if p.is_file()):
        dst = drop_dir / src.relative_to(DROP_SAMPLE_DIR)
        if not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            copied.append(dst)
    return copied
