import contextlib
import ipaddress
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion.catalog import SAMPLE_DATA_DIR
from ingestion.portal import serve_portal
from ingestion.sample_data import install_sample_drops
from orchestration.definitions import ALL_ASSETS_JOB, build_definitions, execute_selection
from orchestration.settings import Settings


class Pipeline:
    """The whole graph against a temp data folder and a portal serving a temp copy of the
    sample data (so a test can change what the 'department' publishes)."""

    def __init__(self, tmp: Path, portal_url: str, portal_root: Path):
        self.settings = Settings(data_dir=tmp / "data", portal_url=portal_url,
                                 drop_dir=tmp / "drop")
        self.portal_root = portal_root
        self.defs = build_definitions(self.settings)
        self.instance = dg.DagsterInstance.ephemeral()

    def run(self) -> dg.ExecuteInProcessResult:
        return self.defs.resolve_job_def(ALL_ASSETS_JOB).execute_in_process(
            instance=self.instance, raise_on_error=False)

    def run_around(self, dataset_id: str) -> dg.ExecuteInProcessResult:
        """Only one raw asset (with its gate), the staging models reading it and their seeds."""
        staging = dg.AssetSelection.assets(dg.AssetKey(["raw", dataset_id])).downstream(depth=1)
        selection = staging.upstream(depth=1)
        return execute_selection(self.defs, selection, self.instance)

    def query(self, sql: str, params=None) -> list[tuple]:
        with duckdb.connect(str(self.settings.warehouse_path), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def publish(self, relative: str, data: bytes) -> None:
        (self.portal_root / relative).write_bytes(data)


@contextlib.contextmanager
def pipeline_in(tmp: Path) -> Iterator[Pipeline]:
    root = tmp / "portal"
    shutil.copytree(SAMPLE_DATA_DIR, root)
    install_sample_drops(tmp / "drop")  # the 农业农村局's files, as make run does
    with pytest.MonkeyPatch.context() as mp, serve_portal(root=root, token="test-token") as url:
        mp.setenv("BAZHONG_PORTAL_TOKEN", "test-token")  # read through dg.EnvVar
        yield Pipeline(tmp, url, root)


@pytest.fixture
def pipeline(tmp_path):
    with pipeline_in(tmp_path) as p:
        yield p


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """One successful run of the whole graph, shared by tests that only read what it made."""
    with pipeline_in(tmp_path_factory.mktemp("published")) as p:
        assert p.run().success
        yield p


@pytest.fixture(autouse=True, scope="session")
def loopback_only():
    """Tests (and module-wide fixtures) reach nothing but this machine: any other address
    fails the test."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                is_loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                is_loopback = host == "localhost"
            if not is_loopback:
                raise AssertionError(f"network access outside loopback: {address}")
        return real_connect(sock, address)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", guarded)
        yield
