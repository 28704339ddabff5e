"""Raw landing: archive the fetched bytes, then land every row in the raw table or in
quarantine, in one transaction, and record the load in the load log.

Invariants (DESIGN.md, Contracts → Raw): values are stored as received (text); rows received
= landed + quarantined; the same bytes for the same dataset are never landed twice.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import itertools
import logging
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import raw_files
from .catalog import Dataset, load_catalog
from .cells import cells_from_csv, cells_from_table, map_headers
from .connectors import FetchedFile
from .contract import land_cells, load_counts
from .loads import LoadResult, archive, landed_before, make_load_id, quarantined_by_rule
from .parsers import LoadError, check_size, decode, parse, refuse_cut_csv, refuse_html
from .raw_tables import ensure_raw_table, ensure_schema

log = logging.getLogger(__name__)

@dataclass
class Pending:
    """A batch's files past the checks that need the warehouse (already landed? too big?) and
    archived: what is left to land, with the results so far. Plain data, so that a landing
    worker in another process can take it (prepare)."""
    dataset_id: str
    size: int  # files in the batch
    results: dict[int, LoadResult]  # index in the batch → result, for files already settled
    items: list[tuple[int, FetchedFile, str, str, str]]  # index, file, sha256, archive path, load id
    errors: list[LoadError]


@dataclass
class Prepared:
    """A batch landed on the side (prepare): its raw.load_log and raw.quarantine rows to
    commit, and the name of its files staged under raw/<dataset>/_landing/ (None: no rows)."""
    pending: Pending
    load_log: object  # pyarrow.Table
    quarantine: object  # pyarrow.Table
    staged: str | None


def land_batch(con: duckdb.DuckDBPyConnection, ds: Dataset, batch: list[FetchedFile],
               archive_dir: Path) -> list[LoadResult]:
    """Land fetched files of one dataset, each its own load (one raw.load_log row), in one
    transaction: UTF-8 CSVs with the same headings in one read_csv, other files parsed one by
    one, all through the same SQL contract. A file that cannot be read as a whole gets a
    failed load_log row and lands nothing; the batch's other files land, then the first such
    LoadError is raised. Rows stored as Parquet are landed on the side (prepare, which a
    landing worker can run in another process) and committed here (commit)."""
    ensure_raw_table(con, ds)
    pending = begin(con, ds, batch, archive_dir)
    if ds.storage == "parquet":
        return commit(con, ds, prepare(pending, raw_files.raw_dir(con)))
    if pending.items:
        con.execute("BEGIN TRANSACTION")
        try:
            _land_items(con, ds, pending, ds.raw_table)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return _finish(con, ds, pending)


def land_batches(con: duckdb.DuckDBPyConnection, ds: Dataset, batches: Iterable[list[FetchedFile]],
                 archive_dir: Path, workers: int = 1) -> Iterator[list[LoadResult]]:
    """Land batches one after another (land_batch), yielding each one's results. A dataset
    stored as Parquet with workers > 1 has up to `workers` batches prepared at once in other
    processes while the next are fetched; this process, the warehouse's one writer, only
    checks what is new, logs the loads and moves the files (commit), batch by batch in order.
    A batch's LoadError is raised once the batches already prepared are committed."""
    batches = iter(batches)
    ahead = [b for b in (next(batches, None), next(batches, None)) if b is not None]
    if ds.storage != "parquet" or workers <= 1 or len(ahead) < 2:  # one batch: no processes to start
        for batch in itertools.chain(ahead, batches):
            yield land_batch(con, ds, batch, archive_dir)
        return
    batches = itertools.chain(ahead, batches)
    ensure_raw_table(con, ds)  # once: it settles staged batches, which would be ours from now on
    raw_dir = raw_files.raw_dir(con)
    # spawned, not forked: the caller may run threads (Dagster, the local portal)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        in_flight: deque = deque()
        first_error: LoadError | None = None

        def commit_next() -> Iterator[list[LoadResult]]:
            nonlocal first_error
            try:
                yield commit(con, ds, in_flight.popleft().result())
            except LoadError as exc:
                first_error = first_error or exc

        try:
            for batch in batches:
                in_flight.append(pool.submit(prepare, begin(con, ds, batch, archive_dir), raw_dir))
                while len(in_flight) > workers:  # at most workers + 1 batches held at once
                    yield from commit_next()
                if first_error:
                    break
        except BaseException:  # the next fetch failed: what was fetched before still lands
            for future in in_flight:
                with contextlib.suppress(LoadError):
                    commit(con, ds, future.result())
            raise
        while in_flight:
            yield from commit_next()
    if first_error:
        raise first_error


def begin(con: duckdb.DuckDBPyConnection, ds: Dataset, batch: list[FetchedFile],
          archive_dir: Path) -> Pending:
    """What of the batch is new (a source's bytes landed before are not landed again), each
    new file under its size limit (else a failed load now) and archived."""
    pending = Pending(ds.id, len(batch), {}, [], [])
    hashes = [hashlib.sha256(fetched.data).hexdigest() for fetched in batch]
    already = landed_before(con, ds, [(f.uri, sha) for f, sha in zip(batch, hashes, strict=True)])
    for index, (fetched, sha256) in enumerate(zip(batch, hashes, strict=True)):
        seen = already.get((fetched.uri, sha256))
        if seen:
            log.info("%s: %s unchanged (sha256 %s already landed as %s)",
                     ds.id, fetched.uri, sha256[:12], seen)
            pending.results[index] = LoadResult(ds.id, fetched.uri, sha256, "unchanged", load_id=seen)
            continue
        load_id = make_load_id(ds, fetched.fetched_at, sha256)
        try:  # before the bytes are archived or parsed: an oversized file fails alone
            check_size(len(fetched.data), ds.format, dataset_id=ds.id, uri=fetched.uri)
        except LoadError as exc:
            pending.errors.append(_log_failed(con, ds, (index, fetched, sha256, "", load_id), exc))
            continue
        path = archive(fetched.data, sha256, ds, archive_dir)
        pending.items.append((index, fetched, sha256, str(path), load_id))
    return pending


def prepare(pending: Pending, raw_dir: Path) -> Prepared:
    """Land a batch of a dataset stored as Parquet in a DuckDB of its own, in memory: the same
    contract, its rows written to files staged under raw_dir/<dataset>/_landing/<batch>/, its
    load log and quarantine rows returned for commit(). Needs nothing of the warehouse, so
    batches can be prepared in several processes at once."""
    ds = load_catalog()[pending.dataset_id]
    with duckdb.connect(":memory:") as side:
        ensure_schema(side)
        staged = None
        if pending.items:
            side.execute("CREATE TEMP TABLE landing_rows ("
                         + ", ".join(f'"{n}" {t}' for n, t in raw_files.column_types(ds).items()) + ")")
            _land_items(side, ds, pending, "landing_rows")
            if side.execute("SELECT count(*) FROM landing_rows").fetchall()[0][0]:
                staged = min(item[4] for item in pending.items)
                raw_files.stage(side, ds, "landing_rows", raw_dir / ds.id, staged)
        return Prepared(pending, side.execute("SELECT * FROM raw.load_log").fetch_arrow_table(),
                        side.execute("SELECT * FROM raw.quarantine").fetch_arrow_table(), staged)


def commit(con: duckdb.DuckDBPyConnection, ds: Dataset, prepared: Prepared) -> list[LoadResult]:
    """A prepared batch's load log and quarantine rows into the warehouse in one transaction;
    then its staged files into place (a crash between the two is settled at the next landing:
    ingestion/raw_files.py)."""
    load_log, quarantine = prepared.load_log, prepared.quarantine  # noqa: F841 (read by DuckDB)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO raw.load_log BY NAME SELECT * FROM load_log")
        con.execute("INSERT INTO raw.quarantine BY NAME SELECT * FROM quarantine")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if prepared.staged:
        raw_files.publish(con, ds, prepared.staged)
    return _finish(con, ds, prepared.pending)


def _land_items(con: duckdb.DuckDBPyConnection, ds: Dataset, pending: Pending, into: str) -> None:
    """The pending files through the contract into the table `into`, raw.quarantine and
    raw.load_log, inside the caller's transaction; results and errors into `pending`."""
    results, errors = pending.results, pending.errors
    con.execute("CREATE OR REPLACE TEMP TABLE landing_received (load_id VARCHAR, rows INTEGER)")
    csv_groups: dict[tuple[str, ...], list] = {}
    parsed = []
    for item in pending.items:
        _, fetched, _, _, _ = item
        try:
            refuse_html(fetched.data, ds.format, dataset_id=ds.id, uri=fetched.uri)
            if ds.format == "csv":
                refuse_cut_csv(fetched.data, ds.encoding, dataset_id=ds.id, uri=fetched.uri)
            if ds.format == "csv" and ds.encoding.lower().replace("_", "-") in {"utf-8", "utf8"}:
                # bad bytes fail the file, naming the line (DuckDB would skip them)
                decode(fetched.data, ds.encoding, dataset_id=ds.id, uri=fetched.uri)
                csv_groups.setdefault(tuple(_csv_headers(fetched.data, ds, fetched.uri)), []).append(item)
            else:
                parsed.append((item, parse(fetched.data, ds.format, ds.encoding,
                                           dataset_id=ds.id, uri=fetched.uri)))
        except LoadError as exc:
            errors.append(_log_failed(con, ds, item, exc))
    for headers, items in csv_groups.items():
        items = _with_headings(con, ds, list(headers), items, errors)
        if not items:
            continue
        _loads_table(con, items)
        unmapped = cells_from_csv(con, [(load_id, path, _lines(f.data))
                                        for _, f, _, path, load_id in items], len(headers))
        land_cells(con, ds, list(headers), "line", into)
        # blank lines or quoted line breaks: the parser reads the file, the same SQL lands it
        parsed += [(item, parse(item[1].data, "csv", ds.encoding, dataset_id=ds.id, uri=item[1].uri))
                   for item in items if item[4] in unmapped]
    for item, table in parsed:
        if _with_headings(con, ds, table.headers, [item], errors):
            _loads_table(con, [item])
            cells_from_table(con, item[4], table)
            land_cells(con, ds, table.headers, table.position, into)
    counts = load_counts(con, ds)
    for index, fetched, sha256, path, load_id in pending.items:
        if load_id not in counts:
            continue  # failed above
        con.execute("INSERT INTO raw.load_log (load_id, dataset_id, source_uri, final_uri, "
                    "source_sha256, archive_path, fetched_at, rows_received, rows_landed, "
                    "rows_quarantined, cells_received, cells_landed, cells_quarantined, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'landed')",
                    [load_id, ds.id, fetched.uri, fetched.final_uri, sha256, path,
                     fetched.fetched_at, *counts[load_id]])
        results[index] = LoadResult(ds.id, fetched.uri, sha256, "landed", load_id, *counts[load_id])
    con.execute("DROP TABLE IF EXISTS landing_cells; DROP TABLE IF EXISTS landing_loads; "
                "DROP TABLE landing_received")


def _finish(con: duckdb.DuckDBPyConnection, ds: Dataset, pending: Pending) -> list[LoadResult]:
    """Say what was quarantined, raise the batch's first error, else its results in order."""
    quarantined = [r.load_id for r in pending.results.values()
                   if r.load_id and r.status == "landed" and r.rows_quarantined + r.cells_quarantined]
    for found in quarantined_by_rule(con, quarantined).values() if quarantined else ():
        for rule, _, count, messages in found:
            log.warning("%s: quarantined %d by %s, e.g. %s", ds.id, count, rule, messages[0])
    if pending.errors:
        raise pending.errors[0]
    return [pending.results[i] for i in range(pending.size)]


def _csv_headers(data: bytes, ds: Dataset, uri: str) -> list[str]:
    first = data.split(b"\n", 1)[0]
    headers = next(csv.reader(io.StringIO(decode(first, ds.encoding, dataset_id=ds.id, uri=uri))), None)
    if not headers:
        raise LoadError(f"{ds.id}: {uri}: the file is empty (no header row)")
    return headers


def _lines(data: bytes) -> int:
    return data.count(b"\n") + (not data.endswith(b"\n"))


def _log_failed(con: duckdb.DuckDBPyConnection, ds: Dataset, item: tuple, exc: LoadError) -> LoadError:
    _, fetched, sha256, path, load_id = item
    con.execute("INSERT INTO raw.load_log (load_id, dataset_id, source_uri, final_uri, source_sha256, "
                "archive_path, fetched_at, rows_received, rows_landed, rows_quarantined, "
                "status, error) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 'failed', ?)",
                [load_id, ds.id, fetched.uri, fetched.final_uri, sha256, str(path), fetched.fetched_at,
                 str(exc)])
    return exc


def _with_headings(con: duckdb.DuckDBPyConnection, ds: Dataset, headers: list[str], items: list,
                   errors: list[LoadError]) -> list:
    """The items whose headings carry every required field; the others fail whole."""
    try:
        map_headers(ds, headers)
    except LoadError:
        for item in items:
            try:
                map_headers(ds, headers, item[1].uri)
            except LoadError as exc:
                errors.append(_log_failed(con, ds, item, exc))
        return []
    return items


def _loads_table(con: duckdb.DuckDBPyConnection, items: list) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE landing_loads "
                "(load_id VARCHAR, uri VARCHAR, sha VARCHAR, fetched_at TIMESTAMPTZ)")
    con.executemany("INSERT INTO landing_loads VALUES (?, ?, ?, ?)",
                    [[load_id, f.uri, sha, f.fetched_at] for _, f, sha, _, load_id in items])
