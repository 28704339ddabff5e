"""The pipeline the integration tests drive: the Definitions against folders of a test's own,
with the portal serving a copy of the sample data."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion.portal import serve_portal
from orchestration.assets.raw import FRESHNESS_CHECK
from orchestration.definitions import build_definitions, execute_selection
from orchestration.settings import Settings

TOKEN = "test-token"


class Pipeline:
    """The graph against `root`/data, with a portal serving `root`/portal (so a test can
    change what the 'department' publishes) and the drop folder `root`/drop."""

    def __init__(self, root: Path, portal_url: str):
        self.root = root
        self.settings = Settings(data_dir=root / "data", portal_url=portal_url, drop_dir=root / "drop")
        self.portal_root = root / "portal"
        self.defs = build_definitions(self.settings)
        self.instance = dg.DagsterInstance.ephemeral()

    def run_selection(self, assets: dg.AssetSelection, **kwargs) -> dg.ExecuteInProcessResult:
        return execute_selection(self.defs, assets, self.instance, **kwargs)

    def run_path(self, dataset_ids: list[str], to: list[dg.AssetKey]) -> dg.ExecuteInProcessResult:
        """The raw assets of `dataset_ids` and every asset between them and `to`, with checks
        (and the golden_row_counts seed, which the marts' row-count tests read)."""
        raw = dg.AssetSelection.assets(*[dg.AssetKey(["raw", d]) for d in dataset_ids])
        golden = dg.AssetSelection.assets(dg.AssetKey(["reference", "golden_row_counts"]))
        return self.run_selection(raw.downstream() & dg.AssetSelection.assets(*to).upstream() | golden)

    def run_around(self, dataset_id: str) -> dg.ExecuteInProcessResult:
        """One raw asset (with its checks) and the staging models reading it."""
        raw = dg.AssetSelection.assets(dg.AssetKey(["raw", dataset_id]))
        return self.run_selection(raw.downstream(depth=1))

    def forget_loads(self, dataset_id: str) -> None:
        """As if the dataset had never landed: its raw rows and load log go."""
        with duckdb.connect(str(self.settings.warehouse_path)) as con:
            con.execute(f"DELETE FROM raw.{dataset_id}")
            con.execute("DELETE FROM raw.load_log WHERE dataset_id = ?", [dataset_id])

    def query(self, sql: str, params=None) -> list[tuple]:
        with duckdb.connect(str(self.settings.warehouse_path), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def publish(self, relative: str, data: bytes) -> None:
        (self.portal_root / relative).write_bytes(data)


@contextlib.contextmanager
def pipeline_at(root: Path) -> Iterator[Pipeline]:
    with pytest.MonkeyPatch.context() as mp, serve_portal(root=root / "portal", token=TOKEN) as url:
        mp.setenv("BAZHONG_PORTAL_TOKEN", TOKEN)  # read through dg.EnvVar
        yield Pipeline(root, url)


def gate_failures(result) -> list:
    """Check evaluations that did not pass, freshness aside (the sample's departments are
    late by today's date; tests of freshness look at it on their own)."""
    return [e for e in result.get_asset_check_evaluations()
            if not e.passed and e.check_name != FRESHNESS_CHECK]
