"""The graph on the sample data, fetched over HTTP from the local portal, in temp folders.

`published`: ONE clean run of the whole graph per session (as `make run` runs it), shared by
every test that only reads what it made. `pipeline`: a fresh copy of that run's data folder,
drop folder and portal files for a test that changes data; such a test runs the smallest
selection of the graph that proves its point. Copies always live at the same path, so dbt,
whose vars carry the warehouse path, reuses its parse from one test to the next."""

import io
import shutil
from collections.abc import Iterator

import pytest

from expectations.runner import forget_contexts
from ingestion.catalog import SAMPLE_DATA_DIR
from ingestion.sample_data import install_sample_drops
from orchestration.runs import materialize_all
from tests.integration.pipeline import Pipeline, pipeline_at


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """One clean run of the whole graph, as `make run` runs it (progress lines in
    `published.progress`, the run's log in `published.log_path`)."""
    root = tmp_path_factory.mktemp("session") / "published"
    shutil.copytree(SAMPLE_DATA_DIR, root / "portal")
    install_sample_drops(root / "drop")  # the 农业农村局's files, as make run does
    with pipeline_at(root) as p:
        p.progress, p.log_path = io.StringIO(), root / "run.log"
        p.result = materialize_all(p.defs, p.instance, p.progress, p.log_path)
        assert p.result.success, p.log_path.read_text(encoding="utf-8")[-5000:]
        yield p


@pytest.fixture
def pipeline(published) -> Iterator[Pipeline]:
    """A copy of the published run's folders (data, drop, portal) to change."""
    root = published.root.parent / "copy"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(published.root, root, ignore=shutil.ignore_patterns("run.log"))
    forget_contexts()  # GX contexts of the last copy, which was at this same path
    with pipeline_at(root) as p:
        yield p
