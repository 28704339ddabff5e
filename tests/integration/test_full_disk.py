"""A full disk while publishing, on a real (small tmpfs) file system: the publish refuses to
start when the disk cannot hold a release, and when the disk fills mid-write (another process
took the space) the step fails naming the disk, leaves no temp file behind and the last
release stays readable. Needs mount(8) (CI runs as root); skipped where it is not allowed."""

import hashlib
import shutil
import subprocess

import dagster as dg
import pytest

from orchestration.assets import publish as publish_assets
from orchestration.assets.publish import SNAPSHOT_KEY
from publishing import SNAPSHOT_NAME
from publishing.files import FINGERPRINTS, TEMP_NAME

MIB = 1024 * 1024


def failure_messages(result) -> str:
    return " ".join(e.step_failure_data.error.message for e in result.all_events if e.is_step_failure)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small_disk(pipeline):
    """The pipeline's publish folder on a tmpfs with 6 MiB free beyond its last release."""
    publish_dir = pipeline.settings.publish_dir
    last = publish_dir.with_name("published.last")
    publish_dir.rename(last)
    publish_dir.mkdir()
    release = sum(p.stat().st_size for p in last.rglob("*") if p.is_file())
    size = (release // MIB + 8) * MIB
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(publish_dir)],
                             capture_output=True, text=True)
    if mounted.returncode:
        publish_dir.rmdir()
        last.rename(publish_dir)
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        shutil.copytree(last, publish_dir, dirs_exist_ok=True)
        (publish_dir / FINGERPRINTS).unlink()  # as if the marts had changed: a new release is due
        yield publish_dir
    finally:
        subprocess.run(["umount", str(publish_dir)], check=True)


def temp_files(publish_dir) -> list[str]:
    return [str(p) for p in publish_dir.rglob(".*") if TEMP_NAME.match(p.name)]


def test_a_full_disk_stops_the_publish_and_leaves_no_mess(pipeline, small_disk, monkeypatch):
    snapshot = small_disk / "open" / SNAPSHOT_NAME
    before = digest(snapshot)
    # the release takes more than the 8 MiB left: refused before the first byte
    result = pipeline.run_selection(dg.AssetSelection.assets(SNAPSHOT_KEY))
    assert not result.success
    assert "not enough free disk space to publish" in failure_messages(result)
    assert temp_files(small_disk) == [] and digest(snapshot) == before

    # the estimate passed, then another process filled the disk: the write fails mid-way
    monkeypatch.setattr(publish_assets, "check_free_space", lambda _: None)
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * (free - MIB // 2))
    result = pipeline.run_selection(dg.AssetSelection.assets(SNAPSHOT_KEY))
    assert not result.success
    message = failure_messages(result)
    assert f"published/marts_snapshot (open): the disk holding {small_disk} is full" in message
    assert "temp files were removed and the last release stays" in message
    assert temp_files(small_disk) == [] and digest(snapshot) == before
