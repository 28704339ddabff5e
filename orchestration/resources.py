"""Dagster resources: the DuckDB warehouse and the department sources."""

from __future__ import annotations

import contextlib
import importlib.metadata
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging import version

from ingestion import (
    MAX_FILE_BYTES,
    Dataset,
    FetchedFile,
    FetchError,
    FileDropConnector,
    HttpConnector,
    drop_uri,
)

# Writers share this Dagster pool (limit 1 in orchestration/dagster.yaml): DuckDB has one writer at a time.
WRITER_POOL = "duckdb_writer"

# Nothing in a run may download DuckDB extensions.
DUCKDB_OFFLINE: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False, "autoload_known_extensions": False}


class WarehouseResource(dg.ConfigurableResource):
    """The working DuckDB file. Writers hold it only inside `connect()`."""

    path: str
    # the memory DuckDB may use before it spills to disk, here as in dbt (settings.dbt_vars)
    memory_limit: str = "3GB"
    # processes that land batches of a feed stored as Parquet at once (ingestion.landing.land_batches)
    landing_workers: int = 1

    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, read_only=read_only,
                             config={**DUCKDB_OFFLINE, "memory_limit": self.memory_limit})
        try:
            yield con
        finally:
            con.close()


class VenvDbtCliResource(DbtCliResource):
    """dbt from this environment, without two costs dagster-dbt adds to every run (~3 s each
    here): it asks the executable for its version (`dbt --version`), which is the dbt-core
    installed here; and it loads dbt's adapter and every macro into the Dagster process, which
    only `fetch_row_counts()`/`fetch_column_metadata()` use, and this project uses neither."""

    @property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args) -> None:
        return None


class SourcesResource(dg.ConfigurableResource):
    """Where department data comes from: the portal base URL for `{portal}` catalog URLs, the
    drop folder for file-drop datasets, and HTTP retry settings."""

    portal_url: str | None  # None: nothing to fetch from (make run / make ui serve the sample)
    drop_dir: str
    archive_dir: str
    # For datasets with `auth: token`; set through dg.EnvVar("BAZHONG_PORTAL_TOKEN").
    portal_token: str | None = None
    attempts: int = 4
    backoff_seconds: float = 1.0
    connect_timeout_seconds: float = 5.0
    read_timeout_seconds: float = 60.0

    def fetch(self, ds: Dataset, months: set[str] | None = None) -> Iterator[FetchedFile]:
        """The dataset's files, one at a time: a listing of many big files is never held whole.
        `months` ('YYYY-MM'): of a monthly listing, only the files of these months."""
        if ds.drop_glob:
            yield from FileDropConnector(Path(self.drop_dir)).fetch_all(ds.id, ds.drop_glob,
                                                                        MAX_FILE_BYTES[ds.format])
            return
        http, url, token = self._http(ds)
        if ds.fetch == "pages":
            yield http.fetch_pages(ds.id, url, token)
        elif ds.fetch == "listing":
            wanted = None if months is None else (lambda name: _month_of(ds, name) in months)
            yield from http.fetch_listing(ds.id, url, token, wanted)
        else:
            yield http.fetch(ds.id, url, token)

    def source_uri(self, ds: Dataset) -> str:
        """Where the dataset is fetched from, as the load log names it."""
        if ds.drop_glob:
            return drop_uri(Path(self.drop_dir) / ds.drop_glob)
        return ds.resolve_url(self.portal_url or "{portal}")

    def listed_months(self, ds: Dataset) -> dict[str, str]:
        """Listed file → its month, for a monthly listing (what the listing sensor watches)."""
        http, url, token = self._http(ds)
        return {name: _month_of(ds, name) for name in http.list_files(ds.id, url, token)}

    def dropped_files(self, ds: Dataset) -> list[Path]:
        """The files in the drop folder a file-drop dataset lands (what the drop sensor watches)."""
        return FileDropConnector(Path(self.drop_dir)).paths(ds.drop_glob) if ds.drop_glob else []

    def _http(self, ds: Dataset) -> tuple[HttpConnector, str, str | None]:
        if self.portal_url is None and "{portal}" in (ds.url or ""):
            raise FetchError(f"{ds.id}: no portal URL. Set BAZHONG_PORTAL_URL, or start through "
                             "`make run` / `make ui`, which serve the bundled sample on loopback")
        http = HttpConnector(connect_timeout=self.connect_timeout_seconds,
                             read_timeout=self.read_timeout_seconds, deadline=ds.fetch_deadline,
                             redirect_hosts=ds.redirect_hosts,
                             attempts=self.attempts, backoff=self.backoff_seconds,
                             max_bytes=MAX_FILE_BYTES[ds.format])
        token = self.portal_token if ds.auth == "token" else None
        return http, ds.resolve_url(self.portal_url or ""), token


def _month_of(ds: Dataset, name: str) -> str:
    month = ds.month_of(name)
    if month is None:
        raise FetchError(f"{ds.id}: listed file {name!r} has no month in its name "
                         f"(month_in_name {ds.month_in_name!r} in sources.yml)")
    return month
