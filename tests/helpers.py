"""Helpers the tests share."""

from pathlib import Path

import duckdb

from ingestion import Dataset, FetchedFile, LoadResult, land_batch


def land(con: duckdb.DuckDBPyConnection, ds: Dataset, fetched: FetchedFile, archive_dir: Path) -> LoadResult:
    """Land one fetched file, as the raw asset lands a batch of one."""
    return land_batch(con, ds, [fetched], archive_dir)[0]
