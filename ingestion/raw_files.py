"""Raw rows as Parquet files, for the datasets whose catalog entry says `storage: parquet` (the
hourly feeds and what their Spark models read): both engines read the same files, DuckDB as the
view raw.<dataset>, Spark as an external table (macro register_raw_parquet).

Layout, beside the warehouse file: raw/<dataset>/month=YYYY-MM/<batch>_<n>.parquet, Hive-
partitioned by month when the dataset has one (a monthly feed: its file's month, the raw asset's
partition; otherwise the month of its natural key's time), raw/<dataset>/<batch>.parquet when it
has none. A batch is named by its first load id.
Every file carries the lineage columns (_load_id, _source_uri, _fetched_at, ...), so a row still
names its load, and raw.load_log and raw.quarantine keep their meaning.

A batch is written under raw/<dataset>/_landing/<batch>/ inside the landing transaction (neither
engine reads a folder starting with '_') and moved into place only after raw.load_log has
committed. A crash in between is settled at the dataset's next landing: a staged batch whose
loads are in the load log is moved into place, any other deleted. So a row is visible once its
load is logged, never before and never twice. A warehouse made before a dataset was stored
this way has its table moved into files at first use."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from urllib.parse import unquote

import duckdb

from .catalog import Dataset, load_catalog
from .raw_schema import LOAD_COLUMNS, raw_columns

STAGING = "_landing"
MIGRATING = "_migrating"


def column_types(ds: Dataset) -> dict[str, str]:
    """Column → DuckDB type of the dataset's raw rows as landing writes them (constraints
    included; the partition column is the files' folder, not in them)."""
    types = {name: sql_type for name, sql_type, _ in raw_columns(ds) if name != ds.raw_partition}
    types.update({n: t for n, (t, _) in LOAD_COLUMNS.items()})
    return types


def raw_dir(con: duckdb.DuckDBPyConnection) -> Path:
    """raw/ beside the warehouse file the connection has open."""
    (path,) = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                          ).fetchall()[0]
    if not path:
        raise ValueError("raw rows stored as Parquet live beside the warehouse file: connect to a "
                         "file, not to an in-memory database")
    return Path(path).resolve().parent / "raw"


def _pattern(ds: Dataset) -> str:
    """The dataset's files, relative to its folder."""
    return f"{ds.raw_partition}=*/*.parquet" if ds.raw_partition else "*.parquet"


def _glob(folder: Path, ds: Dataset) -> str:
    """The dataset's files, as the inside of an SQL string literal."""
    return _quoted(folder / _pattern(ds))


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def has_files(folder: Path, ds: Dataset) -> bool:
    return any(folder.glob(_pattern(ds)))


def _kind(con: duckdb.DuckDBPyConnection, ds: Dataset) -> str | None:
    """'BASE TABLE', 'VIEW' or None: what raw.<dataset> is now."""
    found = con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = 'raw' "
                        "AND table_name = ?", [ds.id]).fetchone()
    return found[0] if found else None


def ensure(con: duckdb.DuckDBPyConnection, ds: Dataset) -> None:
    """Before landing: settle batches a crash left staged, move an old table into files, and
    make raw.<dataset> the view over the files (the view also follows a moved data folder)."""
    folder = raw_dir(con) / ds.id
    settle(con, ds, folder)
    if _kind(con, ds) == "BASE TABLE":
        _migrate(con, ds, folder)
    refresh_view(con, ds, folder)


def point_views(con: duckdb.DuckDBPyConnection) -> None:
    """Every Parquet-stored dataset's view over the files beside this warehouse: after the data
    folder was moved or copied, before anything reads them (a view in place costs one query)."""
    for ds in load_catalog().values():
        if ds.storage == "parquet" and _kind(con, ds) == "VIEW":
            refresh_view(con, ds)


def settle(con: duckdb.DuckDBPyConnection, ds: Dataset, folder: Path) -> list[str]:
    """Staged batches left by a crash: moved into place when raw.load_log has their loads
    (the crash came after the commit), deleted otherwise (a file cut short by the crash is
    unreadable: its batch was never logged). Returns what was done, per batch."""
    done = []
    for staged in sorted((folder / STAGING).glob("*")) if (folder / STAGING).is_dir() else []:
        files = [str(f) for f in sorted(staged.rglob("*.parquet"))]
        try:
            logged = bool(files) and con.execute(
                "SELECT count(*) = 0 FROM (SELECT DISTINCT _load_id FROM read_parquet($files)) AS f "
                "WHERE _load_id NOT IN (SELECT load_id FROM raw.load_log WHERE status = 'landed')",
                {"files": files}).fetchall()[0][0]
        except duckdb.Error:
            logged = False
        if logged:
            _move_into_place(staged, folder)
            done.append(f"{ds.id}: batch {staged.name} was logged before a crash: moved into place")
        else:
            shutil.rmtree(staged)
            done.append(f"{ds.id}: batch {staged.name} was not logged before a crash: deleted")
    return done


def stage(con: duckdb.DuckDBPyConnection, ds: Dataset, rows: str, folder: Path, batch: str) -> None:
    """Write the table `rows` (a batch's landed rows) to <folder>/_landing/<batch>/, `folder`
    being the dataset's (raw/<dataset>: the connection may be a landing worker's, in memory)."""
    staged = folder / STAGING / batch
    shutil.rmtree(staged, ignore_errors=True)  # a failed attempt at this same batch
    write(con, ds, rows, staged, batch)


def write(con: duckdb.DuckDBPyConnection, ds: Dataset, rows: str, into: Path, name: str) -> None:
    """The table `rows` as Parquet under `into` (files named `name`...), by month when the
    dataset is partitioned: a monthly feed's rows by their file's month, others by the month
    of their natural key's time."""
    into.mkdir(parents=True, exist_ok=True)
    if not ds.raw_partition:
        con.execute(f"COPY (SELECT * FROM {rows}) TO '{_quoted(into / name)}.parquet' (FORMAT parquet)")
        return
    month = f"strftime(r.\"{ds.time_key}\", '%Y-%m')" if ds.time_key else "NULL"
    if ds.monthly:
        con.execute("CREATE OR REPLACE TEMP TABLE raw_file_months (load_id VARCHAR, month VARCHAR)")
        con.executemany("INSERT INTO raw_file_months VALUES (?, ?)", [
            [load_id, ds.month_of(unquote(uri.rsplit("/", 1)[-1]))]
            for load_id, uri in con.execute(f"SELECT DISTINCT _load_id, _source_uri FROM {rows}").fetchall()])
        month = f"coalesce((SELECT m.month FROM raw_file_months AS m WHERE m.load_id = r._load_id), {month})"
    con.execute(f"COPY (SELECT r.*, {month} AS {ds.raw_partition} FROM {rows} AS r) TO '{_quoted(into)}' "
                f"(FORMAT parquet, PARTITION_BY ({ds.raw_partition}), FILENAME_PATTERN '{name}_{{i}}', "
                "OVERWRITE_OR_IGNORE)")


def publish(con: duckdb.DuckDBPyConnection, ds: Dataset, batch: str) -> None:
    """A logged batch's files into place, then the view over them."""
    folder = raw_dir(con) / ds.id
    _move_into_place(folder / STAGING / batch, folder)
    with contextlib.suppress(OSError):  # others still staged (a batch that failed) stay
        (folder / STAGING).rmdir()
    refresh_view(con, ds, folder)


def _move_into_place(staged: Path, folder: Path) -> None:
    """Each file of `staged` to the same place under `folder` (a rename: atomic, and a file of
    the same name is replaced whole), then `staged` goes."""
    for file in sorted(staged.rglob("*.parquet")):
        target = folder / file.relative_to(staged)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(file, target)
    shutil.rmtree(staged)


def refresh_view(con: duckdb.DuckDBPyConnection, ds: Dataset, folder: Path | None = None) -> None:
    """raw.<dataset> as a view over its files with every declared column (NULL where no file
    has it yet: a field added to the contract later), plus `month` when partitioned; with no
    file yet, an empty view of the same columns. The view's comment says which: a view already
    complete over this folder is left alone (finding the columns reads every file's footer)."""
    folder = folder or raw_dir(con) / ds.id
    complete = f"the landed rows: Parquet files {_glob(folder, ds)} (ingestion/raw_files.py)"
    now = con.execute("SELECT comment FROM duckdb_views() WHERE schema_name = 'raw' AND view_name = ?",
                      [ds.id]).fetchone()
    if now and now[0] == complete:
        return
    types = {name: sql_type for name, sql_type, _ in raw_columns(ds)}
    if has_files(folder, ds):
        hive = (f"true, hive_types = {{'{ds.raw_partition}': VARCHAR}}" if ds.raw_partition else "false")
        source = f"read_parquet('{_glob(folder, ds)}', union_by_name = true, hive_partitioning = {hive})"
        present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    else:
        source, present = "(SELECT 1) WHERE false", set()
    missing = [n for n in types if n not in present]
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(f"CREATE OR REPLACE VIEW {ds.raw_table} AS SELECT "
                + ", ".join(f'"{n}"' if n in present else f'NULL::{t} AS "{n}"' for n, t in types.items())
                + f" FROM {source}")
    comment = complete if not missing else f"{complete}; in no file yet: {', '.join(missing)}"
    con.execute(f"COMMENT ON VIEW {ds.raw_table} IS '{comment}'")


def _migrate(con: duckdb.DuckDBPyConnection, ds: Dataset, folder: Path) -> None:
    """The rows of an old raw table into files named 'migrated' (a crash before the table is
    dropped, and the next attempt writes the same files again), then the table goes, in one
    transaction with the view that replaces it."""
    work = folder / MIGRATING
    shutil.rmtree(work, ignore_errors=True)
    write(con, ds, ds.raw_table, work, "migrated")
    _move_into_place(work, folder)
    con.execute("BEGIN TRANSACTION")
    con.execute(f"DROP TABLE {ds.raw_table}")
    refresh_view(con, ds, folder)
    con.execute("COMMIT")
