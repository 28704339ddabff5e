"""Versioned releases of the published tiers, with notes made from the data.

Each publish that changed a file of a tier is a release: publish_dir/releases/<version>/ holds
both tiers as published (open/, shared/), SHA256SUMS of every file (`sha256sum -c` reads it),
release.json, and RELEASE_NOTES.md against the release before it: tables added or removed,
rows added, changed and removed per table (by the table's primary key), every indicator value
of the fact that changed (before → after, with its status: R = 修订), the files changed with
their checksums. The version is the date and a sequence (2026-12-07.1, .2, ...); CURRENT names
the release the tiers show. The last `keep` releases stay; `rollback` puts the one before
CURRENT back, each tier swapped in whole.

A release's files are hard links to the published ones (a copy where the file system has
none): every publish writes a new file and renames it into place, never writes one in place,
so a link keeps the content it had. The databases (DuckDB snapshots, the SQLite copy) are
copied: a reader may open one read-write. SHA256SUMS is verified before a rollback restores one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from .files import FINGERPRINTS, PublishError, replace_dir, temp_path
from .snapshot import SNAPSHOT_NAME
from .tiers import TIERS

RELEASES = "releases"
CURRENT = "CURRENT"
NOTES = "RELEASE_NOTES.md"
SUMS = "SHA256SUMS"
# copied, never linked: a client that opens one read-write (the DuckDB CLI does by default)
# writes to it in place, and would change the release's copy with it
DATABASES = (".duckdb", ".sqlite")
FACT = "fct_indicator_observation"
FACT_KEY = ("indicator_code", "ref_area", "time_period", "freq")
# the fact's obs_status codes (SDMX), as its YAML describes them
OBS_STATUS = {"A": "正常", "P": "初步", "E": "估算", "R": "修订", "M": "缺失"}


@dataclass(frozen=True)
class Release:
    version: str
    path: Path
    previous: str | None
    files_changed: int


def releases_dir(publish_dir: Path) -> Path:
    return publish_dir / RELEASES


def versions(publish_dir: Path) -> list[str]:
    """The kept releases, oldest first."""
    found = [p.name for p in releases_dir(publish_dir).glob("*-*-*.*")
             if not p.name.startswith(".") and (p / SUMS).exists()]  # not a release being written
    return sorted(found, key=_order)


def _order(version: str) -> tuple[str, int]:
    day, seq = version.rsplit(".", 1)
    return day, int(seq)


def current_version(publish_dir: Path) -> str | None:
    try:
        return (releases_dir(publish_dir) / CURRENT).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def tier_checksums(root: Path) -> dict[str, str]:
    """sha256 of every file of the tiers under `root` (publish_dir or a release), by path
    relative to it; temp files (hidden) are not published."""
    sums = {}
    for tier in TIERS:
        for path in sorted((root / tier.name).rglob("*")):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts):
                sums[path.relative_to(root).as_posix()] = _sha256(path)
    return sums


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sums(release: Path) -> dict[str, str]:
    lines = (release / SUMS).read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines if line)}


def _link_tree(files: list[str], source: Path, target: Path) -> None:
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(DATABASES):
            shutil.copy2(source / name, target / name)
            continue
        try:
            os.link(source / name, target / name)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copy2(source / name, target / name)


def cut_release(publish_dir: Path, run_id: str, keep: int, today: date | None = None) -> Release | None:
    """A new release when a tier's files differ from CURRENT's; None when they do not."""
    sums = tier_checksums(publish_dir)
    previous = current_version(publish_dir)
    previous_dir = releases_dir(publish_dir) / previous if previous else None
    old_sums = read_sums(previous_dir) if previous_dir and (previous_dir / SUMS).exists() else {}
    if sums == old_sums:
        return None
    day = (today or date.today()).isoformat()
    seq = max((int(v.rsplit(".", 1)[1]) for v in versions(publish_dir) if v.startswith(day + ".")), default=0)
    version = f"{day}.{seq + 1}"
    built = temp_path(releases_dir(publish_dir) / version)
    built.mkdir()
    _link_tree(list(sums), publish_dir, built)
    changed = sorted(n for n in sums.keys() | old_sums.keys() if sums.get(n) != old_sums.get(n))
    (built / SUMS).write_text("".join(f"{sums[n]}  {n}\n" for n in sums), encoding="utf-8")
    created = datetime.now(UTC).isoformat(timespec="seconds")
    (built / "release.json").write_text(json.dumps({
        "version": version, "created_at": created, "run_id": run_id, "previous": previous,
        "files": len(sums), "files_changed": len(changed)}, indent=1), encoding="utf-8")
    (built / NOTES).write_text(release_notes(version, created, run_id, previous, previous_dir, built,
                                             sums, old_sums, changed), encoding="utf-8")
    os.replace(built, releases_dir(publish_dir) / version)
    _set_current(publish_dir, version)
    for old in versions(publish_dir)[:-keep] if keep > 0 else []:
        shutil.rmtree(releases_dir(publish_dir) / old)
    return Release(version, releases_dir(publish_dir) / version, previous, len(changed))


def _set_current(publish_dir: Path, version: str) -> None:
    tmp = temp_path(releases_dir(publish_dir) / CURRENT)
    tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(tmp, releases_dir(publish_dir) / CURRENT)


def rollback(publish_dir: Path) -> tuple[str, str]:
    """Put the release before CURRENT back in place of the tiers; (from, to) versions. The
    release's files are checked against its SHA256SUMS first. The publish fingerprints are
    forgotten, so the next run that publishes writes every file again."""
    kept, current = versions(publish_dir), current_version(publish_dir)
    if current not in kept or kept.index(current) == 0:
        raise PublishError(f"no release before {current or 'the current one'} to roll back to "
                           f"(kept in {releases_dir(publish_dir)}: {', '.join(kept) or 'none'})")
    target = kept[kept.index(current) - 1]
    release = releases_dir(publish_dir) / target
    sums = read_sums(release)
    bad = [n for n, digest in sums.items() if not (release / n).is_file() or _sha256(release / n) != digest]
    if bad:
        raise PublishError(f"release {target} does not match its {SUMS} ({len(bad)} file(s), e.g. {bad[0]}): "
                           "not restored")
    for tier in TIERS:
        built = temp_path(publish_dir / tier.name)
        built.mkdir()
        files = [n.split("/", 1)[1] for n in sums if n.startswith(tier.name + "/")]
        _link_tree(files, release / tier.name, built)
        replace_dir(built, publish_dir / tier.name)
    (publish_dir / FINGERPRINTS).unlink(missing_ok=True)
    _set_current(publish_dir, target)
    return current, target


# ---- the notes ----

def release_notes(version: str, created: str, run_id: str, previous: str | None, previous_dir: Path | None,
                  built: Path, sums: dict[str, str], old_sums: dict[str, str], changed: list[str]) -> str:
    lines = [f"# Release {version}", "",
             f"Published {created} by run {run_id}; "
             + (f"changes against release {previous}." if previous else "the first release."), ""]
    for tier in TIERS:
        new = built / tier.name / SNAPSHOT_NAME
        old = previous_dir / tier.name / SNAPSHOT_NAME if previous_dir else None
        lines += [f"## {tier.name} tier", ""]
        if not new.exists():
            lines += ["(no snapshot in this tier)", ""]
            continue
        lines += _table_changes(new, old if old and old.exists() else None)
    lines += [f"## Files ({len(changed)} changed of {len(sums)}; every file's sha256 in {SUMS})", "",
              "| file | sha256 |", "|---|---|"]
    lines += [f"| {n} | {sums.get(n, 'removed')} |" for n in changed]
    return "\n".join(lines) + "\n"


def _table_changes(new: Path, old: Path | None) -> list[str]:
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{new}' AS new (READ_ONLY)")
        new_tables = _tables(con, "new")
        old_tables = {}
        if old:
            con.execute(f"ATTACH '{old}' AS old (READ_ONLY)")
            old_tables = _tables(con, "old")
        out = []
        added = sorted(new_tables.keys() - old_tables.keys())
        removed = sorted(old_tables.keys() - new_tables.keys())
        if old and (added or removed):
            out += [f"Tables added: {', '.join(added) or 'none'}; "
                    f"removed: {', '.join(removed) or 'none'}.", ""]
        counts = {table: _row_changes(con, table, new_tables.get(table), old_tables.get(table))
                  for table in sorted(new_tables.keys() | old_tables.keys())}
        moved = {table: n for table, n in counts.items() if any(n[1:])}
        if moved:
            out += ["| table | rows | added | changed | removed |", "|---|---:|---:|---:|---:|"]
            out += [f"| {table} | " + " | ".join(f"{k:,}" for k in n) + " |" for table, n in moved.items()]
            out.append("")
        same = [t for t in counts if t not in moved]
        out += [f"Rows unchanged in {len(same)} of {len(counts)} tables"
                + (f": {', '.join(same)}." if same else "."), ""]
        if FACT in new_tables and FACT in old_tables:
            out += _value_changes(con)
        return out
    finally:
        con.close()


def _tables(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, tuple[list[str], list[str]]]:
    """table → (columns, primary key)."""
    columns: dict[str, list[str]] = {}
    for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = ? "
            "ORDER BY table_name, column_index", [db]).fetchall():
        columns.setdefault(table, []).append(column)
    keys = dict(con.execute("SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                            "WHERE database_name = ? AND constraint_type = 'PRIMARY KEY'", [db]).fetchall())
    return {t: (cols, list(keys.get(t, []))) for t, cols in columns.items()}


def _row_changes(con: duckdb.DuckDBPyConnection, table: str, new, old) -> tuple[int, int, int, int]:
    """(rows now, added, changed, removed): by the primary key, on the columns both have;
    without a key, a changed row counts as one removed and one added."""
    if new is None:
        gone = con.execute(f'SELECT count(*) FROM old."{table}"').fetchall()[0][0]
        return 0, 0, 0, gone
    rows = con.execute(f'SELECT count(*) FROM new."{table}"').fetchall()[0][0]
    if old is None:
        return rows, rows, 0, 0
    common = ", ".join(f'"{c}"' for c in new[0] if c in old[0])
    key = [c for c in new[1] if c in old[0]]
    con.execute(f'CREATE OR REPLACE TEMP TABLE plus AS SELECT {common} FROM new."{table}" '
                f'EXCEPT ALL SELECT {common} FROM old."{table}"')
    con.execute(f'CREATE OR REPLACE TEMP TABLE minus AS SELECT {common} FROM old."{table}" '
                f'EXCEPT ALL SELECT {common} FROM new."{table}"')
    plus, minus = (con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("plus", "minus"))
    if not key:
        return rows, plus, 0, minus
    keys = ", ".join(f'"{c}"' for c in key)
    changed = con.execute(f"SELECT count(*) FROM (SELECT DISTINCT {keys} FROM plus "
                             f"INTERSECT SELECT DISTINCT {keys} FROM minus)").fetchall()[0][0]
    return rows, plus - changed, changed, minus - changed


def _value_changes(con: duckdb.DuckDBPyConnection) -> list[str]:
    on = " AND ".join(f"n.{c} = o.{c}" for c in FACT_KEY)
    changed = con.execute(f"""
        SELECT n.indicator_code, n.ref_area, n.time_period, n.freq, o.obs_value, n.obs_value, n.unit,
               n.obs_status
        FROM new.{FACT} AS n JOIN old.{FACT} AS o ON {on}
        WHERE n.obs_value IS DISTINCT FROM o.obs_value
        ORDER BY n.indicator_code, n.ref_area, n.time_period, n.freq""").fetchall()
    out = [f"Indicator values changed ({FACT}): {len(changed)}", ""]
    if changed:
        out += ["| indicator | area | period | freq | before | after | unit | status |",
                "|---|---|---|---|---:|---:|---|---|"]
        out += [f"| {i} | {a} | {p} | {f} | {_num(b)} | {_num(v)} | {u} | {_status(s)} |"
                for i, a, p, f, b, v, u, s in changed]
        out.append("")
    return out


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:,.6g}"


def _status(status: str | None) -> str:
    return f"{status} {OBS_STATUS[status]}" if status in OBS_STATUS else (status or "")
