"""Releases of the published tiers (publishing/releases.py) on a tiny publish folder: a change
makes one, nothing changed makes none, the last `keep` stay, a release being written is not
one, and rollback refuses what it cannot restore exactly."""

import os

import duckdb
import pytest

from publishing.files import PublishError
from publishing.releases import (
    CURRENT,
    SUMS,
    cut_release,
    read_sums,
    releases_dir,
    rollback,
    tier_checksums,
    versions,
)


def publish(root, text: str, value: float) -> None:
    """Both tiers, as a publish leaves them: files written beside and renamed into place."""
    for tier in ("open", "shared"):
        (root / tier / "csv").mkdir(parents=True, exist_ok=True)
        tmp = root / tier / "csv" / ".mart.csv.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, root / tier / "csv" / "mart.csv")
        db = root / tier / ".bazhong.duckdb.tmp"
        with duckdb.connect(str(db)) as con:
            con.execute("CREATE TABLE fct_indicator_observation (indicator_code VARCHAR, "
                        "ref_area VARCHAR, time_period VARCHAR, freq VARCHAR, obs_value DOUBLE, "
                        "unit VARCHAR, obs_status VARCHAR, "
                        "PRIMARY KEY (indicator_code, ref_area, time_period, freq))")
            con.execute("INSERT INTO fct_indicator_observation VALUES "
                        "('forest_coverage_rate', '511900', '2024', 'A', ?, '%', 'A')", [value])
        os.replace(db, root / tier / "bazhong.duckdb")


def test_a_change_is_a_release_the_last_ones_are_kept_and_rollback_restores_the_one_before(tmp_path):
    publish(tmp_path, "a\n", 64.0)
    first = cut_release(tmp_path, "run-1", keep=2)
    assert first is not None and first.previous is None and first.version.endswith(".1")
    assert cut_release(tmp_path, "run-1b", keep=2) is None  # nothing changed
    publish(tmp_path, "b\n", 64.5)
    second = cut_release(tmp_path, "run-2", keep=2)
    assert second is not None and second.previous == first.version
    notes = (second.path / "RELEASE_NOTES.md").read_text(encoding="utf-8")
    assert "| forest_coverage_rate | 511900 | 2024 | A | 64 | 64.5 | % | A 正常 |" in notes
    assert "| fct_indicator_observation | 1 | 0 | 1 | 0 |" in notes

    # a crash left a release half written: not listed, not counted
    half = releases_dir(tmp_path) / f".{second.version[:-1]}9.tmp"
    half.mkdir()
    (half / SUMS).write_text("", encoding="utf-8")
    publish(tmp_path, "c\n", 65.0)
    third = cut_release(tmp_path, "run-3", keep=2)
    assert third is not None and versions(tmp_path) == [second.version, third.version]  # the first pruned

    assert rollback(tmp_path) == (third.version, second.version)
    assert tier_checksums(tmp_path) == read_sums(second.path)
    assert (releases_dir(tmp_path) / CURRENT).read_text(encoding="utf-8").strip() == second.version
    with pytest.raises(PublishError, match="no release before"):
        rollback(tmp_path)  # the first was pruned


def test_rollback_refuses_a_release_whose_files_no_longer_match_their_checksums(tmp_path):
    publish(tmp_path, "a\n", 64.0)
    first = cut_release(tmp_path, "run-1", keep=5)
    publish(tmp_path, "b\n", 64.5)
    assert first is not None and cut_release(tmp_path, "run-2", keep=5) is not None
    (first.path / "open" / "csv" / "mart.csv").write_text("changed in place\n", encoding="utf-8")
    with pytest.raises(PublishError, match="does not match its SHA256SUMS"):
        rollback(tmp_path)
    assert (tmp_path / "open" / "csv" / "mart.csv").read_text(encoding="utf-8") == "b\n"  # untouched
