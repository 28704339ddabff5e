"""The Dagster definitions load and are complete; the catalog and dbt agree."""

import sys
from pathlib import Path

import dagster as dg
import pytest

from ingestion.catalog import dbt_sources, dbt_sources_path, load_catalog
from orchestration.definitions import build_definitions


def _graph():
    return build_definitions().resolve_asset_graph()


def test_every_asset_has_group_description_and_owner():
    graph = _graph()
    keys = graph.get_all_asset_keys()
    assert keys
    for key in keys:
        node = graph.get(key)
        assert node.group_name and node.group_name != "default", key
        assert node.description, key
        assert node.owners, key


def test_every_dbt_source_is_an_ingestion_asset():
    graph = _graph()
    raw_keys = {dg.AssetKey(["raw", ds.id]) for ds in load_catalog().values()}
    sources = {parent for key in graph.get_all_asset_keys() if key.path[0] == "staging"
               for parent in graph.get(key).parent_keys if parent.path[0] == "raw"}
    assert sources == raw_keys  # every catalog dataset feeds staging, through its own asset
    for key in raw_keys:
        assert graph.get(key).is_materializable, f"{key} is not produced by an ingestion asset"


def test_each_raw_asset_has_a_blocking_gx_check():
    defs = build_definitions()
    checks = {spec.asset_key: spec for c in defs.asset_checks for spec in c.check_specs}
    for ds in load_catalog().values():
        spec = checks[dg.AssetKey(["raw", ds.id])]
        assert spec.blocking


def test_each_mart_has_a_blocking_gx_check_that_publishing_waits_for():
    defs = build_definitions()
    specs = {(spec.asset_key, spec.name): spec for c in defs.asset_checks for spec in c.check_specs}
    publish = dg.AssetKey(["published", "marts_snapshot"])
    marts = defs.resolve_asset_graph().get(publish).parent_keys
    assert len(marts) >= 19
    for key in marts:
        assert specs[key, "gx_mart_suite"].blocking, key


def test_generated_dbt_sources_are_up_to_date():
    for domain in {d.domain for d in load_catalog().values()}:
        assert dbt_sources_path(domain).read_text(encoding="utf-8") == dbt_sources(domain), (
            "run `make catalog`: dbt sources are generated from ingestion/sources.yml")


def test_telemetry_is_switched_off_by_the_project():
    import os

    import yaml

    from orchestration.settings import REPO_DIR

    config = yaml.safe_load((REPO_DIR / "orchestration" / "dagster.yaml").read_text())
    assert config["telemetry"]["enabled"] is False
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert os.environ["DO_NOT_TRACK"] == "1"
    assert os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"].lower() == "false"
    assert os.environ["GX_ANALYTICS_ENABLED"].lower() == "false"


def test_the_broken_sample_replaces_its_good_twin_and_nothing_else():
    from ingestion.catalog import SAMPLE_DATA_DIR
    from orchestration.__main__ import sample_root

    broken = SAMPLE_DATA_DIR / "broken" / "waste" / "domestic_waste.csv"
    assert "故意出错" in broken.read_text(encoding="utf-8")  # labelled in the data itself
    with sample_root(broken=True) as root:
        assert (root / "waste" / "domestic_waste.csv").read_bytes() == broken.read_bytes()
        other = root / "waste" / "industrial_solid_waste.csv"
        assert other.read_bytes() == (SAMPLE_DATA_DIR / "waste" / "industrial_solid_waste.csv").read_bytes()
    with sample_root(broken=False) as root:
        assert root == SAMPLE_DATA_DIR


def test_dbt_runs_without_dagster_dbt_s_start_up_costs(monkeypatch):
    """dagster-dbt would run `dbt --version` and load dbt's adapter and macros (~3 s each) in
    every run; ours reads the installed dbt-core's version and loads no adapter."""
    import importlib.metadata
    from functools import cached_property

    import dagster_dbt.core.resource as dbt_resource
    from packaging import version

    from orchestration.assets.dbt import dbt_project
    from orchestration.resources import VenvDbtCliResource

    # the private members we override are still the ones dagster-dbt uses
    assert isinstance(vars(dbt_resource.DbtCliResource).get("_cli_version"), cached_property)
    assert callable(vars(dbt_resource.DbtCliResource).get("_initialize_dbt_core_adapter"))
    monkeypatch.setattr(dbt_resource, "check_output", lambda *a, **k: pytest.fail("ran dbt --version"))
    dbt = VenvDbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt"))
    assert dbt._cli_version == version.parse(importlib.metadata.version("dbt-core"))
    assert dbt._initialize_dbt_core_adapter(["build"]) is None
