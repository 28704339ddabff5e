"""What keeps publishing from changing files for nothing or leaving a mess: the marts'
fingerprint ignores row order and float noise; a publish refuses to start on a disk that
cannot hold it, and a failed one removes its temp files and says what happened."""

import errno
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from orchestration.settings import REPO_DIR
from publishing.files import (
    PublishError,
    check_free_space,
    cleaned_up_on_failure,
    remove_temp_files,
    temp_path,
)
from publishing.snapshot import marts_fingerprint


def warehouse(path, rows: list[tuple[str, float]]) -> str:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts; "
                    "CREATE OR REPLACE TABLE marts.m (k VARCHAR, v DOUBLE)")
        con.executemany("INSERT INTO marts.m VALUES (?, ?)", rows)
    return marts_fingerprint(path, "docs")


def test_a_rebuild_in_another_order_with_float_noise_keeps_the_fingerprint(tmp_path):
    path = tmp_path / "w.duckdb"
    first = warehouse(path, [("a", 0.85), ("b", 33.75)])
    assert warehouse(path, [("b", 33.75), ("a", 0.8500000000000001)]) == first  # same figures
    assert warehouse(path, [("b", 33.75), ("a", 0.851)]) != first  # a real change


def test_a_publish_does_not_start_on_a_disk_that_cannot_hold_it(tmp_path, monkeypatch):
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "bazhong.duckdb").write_bytes(b"x" * 1000)
    monkeypatch.setattr(shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(10**9, 10**9, 10**6))
    with pytest.raises(PublishError, match="1.0 MiB free, about 64.0 MiB needed"):
        check_free_space(tmp_path)


def test_a_failed_step_removes_its_temp_files_and_names_a_full_disk(tmp_path):
    published = tmp_path / "open" / "bazhong.duckdb"
    published.parent.mkdir()
    published.write_bytes(b"the last release")
    full = r"published/marts_snapshot: the disk holding .* is full"
    with pytest.raises(PublishError, match=full), cleaned_up_on_failure(tmp_path, "published/marts_snapshot"):
        tmp = temp_path(published)
        tmp.write_bytes(b"half")
        tmp.with_name(tmp.name + ".wal").write_bytes(b"log")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bazhong.duckdb", "open"]
    assert published.read_bytes() == b"the last release"


def test_a_failed_copy_of_a_folder_is_said_in_plain_words(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("x")
    error = shutil.Error([(str(site / "index.html"), str(tmp_path / ".data_docs.tmp/index.html"),
                           "[Errno 5] Input/output error")])
    said = "copying .*index.html to .*: .Errno 5. Input/output error"
    with pytest.raises(PublishError, match=said), cleaned_up_on_failure(tmp_path, "published/docs"):
        shutil.copytree(site, temp_path(tmp_path / "data_docs"))
        raise error
    assert remove_temp_files(tmp_path) == [] and not (tmp_path / ".data_docs.tmp").exists()


def test_a_snapshot_table_is_written_in_the_same_order_whatever_order_the_marts_left(tmp_path):
    from publishing import TIER_BY_NAME, write_snapshot

    def snapshot(regions: list[tuple[str, str]]) -> list[tuple]:
        path = tmp_path / "w.duckdb"
        with duckdb.connect(str(path)) as con:
            con.execute("CREATE SCHEMA IF NOT EXISTS marts; CREATE OR REPLACE TABLE marts.dim_indicator "
                        "(indicator_code VARCHAR, open_to_public BOOLEAN, share_type_zh VARCHAR); "
                        "CREATE OR REPLACE TABLE marts.dim_region (region_code VARCHAR, name_zh VARCHAR)")
            con.executemany("INSERT INTO marts.dim_region VALUES (?, ?)", regions)
        write_snapshot(path, tmp_path / "shared", {}, TIER_BY_NAME["shared"])
        with duckdb.connect(str(tmp_path / "shared" / "bazhong.duckdb"), read_only=True) as con:
            return con.execute("SELECT * FROM dim_region").fetchall()  # as a reader gets it

    rows = [("511902", "巴州区"), ("511900", "巴中市"), ("511921", "通江县")]
    assert snapshot(rows) == snapshot(rows[::-1]) == sorted(rows)


def test_what_the_snapshot_fingerprint_is_made_of_is_the_same_in_every_process(tmp_path):
    """The table docs go into the marts fingerprint: were their repr to follow Python's string
    hashing (a set's order), every `make run` would publish everything again (it did)."""
    script = tmp_path / "docs_digest.py"  # a file, not `python -c`: pyspark's import ends those
    script.write_text("import hashlib\nfrom publishing import table_docs\n"
                      "from orchestration.assets.dbt import dbt_project\n"
                      "docs = sorted(table_docs(dbt_project.manifest_path).items())\n"
                      "print(hashlib.sha256(repr(docs).encode()).hexdigest())\n", encoding="utf-8")
    seen = [subprocess.run([sys.executable, str(script)], cwd=REPO_DIR, capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout.strip()
            for seed in ("1", "2")]
    assert len(seen[0]) == 64 and seen[0] == seen[1]
