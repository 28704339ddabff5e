"""The Dagster definitions load and are complete; the catalog and dbt agree."""

import sys
from pathlib import Path

import dagster as dg
import pytest

from ingestion.catalog import load_catalog
from ingestion.codegen import (
    INDICATOR_VALUES_PATH,
    MARTS_DIR,
    NORMALIZE_MACRO_PATH,
    dbt_sources,
    dbt_sources_path,
    indicator_descriptions,
    indicator_values_sql,
    normalize_macro,
)
from orchestration.assets.dbt import dbt_project
from orchestration.definitions import build_definitions
from publishing import model_nodes

MANIFEST = dbt_project.manifest_path


def _graph():
    return build_definitions().resolve_asset_graph()


def test_every_asset_has_group_description_owner_and_kinds():
    graph = _graph()
    keys = graph.get_all_asset_keys()
    assert keys
    for key in keys:
        node = graph.get(key)
        assert node.group_name and node.group_name != "default", key
        assert node.description, key
        assert node.owners and all(o.startswith("team:") and o.isascii() for o in node.owners), key
        assert node.kinds, key
    # raw assets and the staging models reading them belong to the providing departments
    domestic = graph.get(dg.AssetKey(["raw", "waste_domestic_waste"]))
    assert domestic.owners == ["team:housing-urban-rural"] and "市住房城乡建设局" in domestic.description
    assert domestic.kinds >= {"python", "duckdb", "gx"}
    energy = graph.get(dg.AssetKey(["staging", "stg_energy__consumption_by_fuel"]))
    assert energy.owners == ["team:statistics", "team:development-reform"]
    mart = graph.get(dg.AssetKey(["marts", "mart_carbon"]))
    assert mart.owners == ["team:data-platform"] and mart.kinds >= {"dbt", "duckdb", "gx"}
    assert {o for k in keys for o in graph.get(k).owners} > {"team:data-platform", "team:forestry"}


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
    checks = {(spec.asset_key, spec.name): spec for c in defs.asset_checks for spec in c.check_specs}
    for ds in load_catalog().values():
        assert checks[dg.AssetKey(["raw", ds.id]), "gx_raw_suite"].blocking
        # a late department warns, it does not stop what it already sent
        assert not checks[dg.AssetKey(["raw", ds.id]), "freshness"].blocking


def test_reports_checked_against_a_register_land_after_it():
    graph = _graph()
    for ds in load_catalog().values():
        if ds.permit_register:
            register = dg.AssetKey(["raw", ds.permit_register["dataset"]])
            assert register in graph.get(dg.AssetKey(["raw", ds.id])).parent_keys


def test_each_mart_has_a_blocking_gx_check_that_publishing_waits_for():
    defs = build_definitions()
    specs = {(spec.asset_key, spec.name): spec for c in defs.asset_checks for spec in c.check_specs}
    publish = dg.AssetKey(["published", "marts_snapshot"])
    marts = defs.resolve_asset_graph().get(publish).parent_keys
    # every model of the marts schema (the dbt manifest), no other asset
    assert marts == {dg.AssetKey(["marts", name]) for name in model_nodes(MANIFEST, "marts")}
    for key in marts:
        assert specs[key, "gx_mart_suite"].blocking, key


def test_generated_dbt_files_are_up_to_date():
    """What `make catalog` writes from the one place each thing is declared: the dbt sources
    (sources.yml), dbt's normalize_name (ingestion/rules.py), the description of every
    indicator column of the marts and the SQL of every declared indicator (seeds/indicators.csv)."""
    for domain in {d.domain for d in load_catalog().values()}:
        assert dbt_sources_path(domain).read_text(encoding="utf-8") == dbt_sources(domain), (
            "run `make catalog`: dbt sources are generated from ingestion/sources.yml")
    assert NORMALIZE_MACRO_PATH.read_text(encoding="utf-8") == normalize_macro(), "run `make catalog`"
    for path in MARTS_DIR.rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        assert indicator_descriptions(text) == text, f"run `make catalog`: {path.name}"
    assert INDICATOR_VALUES_PATH.read_text(encoding="utf-8") == indicator_values_sql(), "run `make catalog`"


def test_telemetry_is_switched_off_by_the_project():
    """dagster.yaml says so, and importing the settings switches dbt, GX and Dagster telemetry
    off in a process whose environment says nothing (as `dagster dev` or a bare python has)."""
    import json
    import os
    import subprocess

    import yaml

    from orchestration.settings import OFFLINE_ENV, REPO_DIR

    config = yaml.safe_load((REPO_DIR / "orchestration" / "dagster.yaml").read_text())
    assert config["telemetry"]["enabled"] is False
    assert config["concurrency"]["pools"]["default_limit"] == 1
    bare = {k: v for k, v in os.environ.items() if k not in OFFLINE_ENV}
    code = ("import json, os, orchestration.settings; "
            f"print(json.dumps({{k: os.environ.get(k) for k in {sorted(OFFLINE_ENV)!r}}}))")
    out = subprocess.run([sys.executable, "-c", code], env=bare, capture_output=True, text=True,
                         check=True, cwd=REPO_DIR).stdout
    seen = json.loads(out)
    assert seen["DO_NOT_TRACK"] == "1"
    assert seen["DBT_SEND_ANONYMOUS_USAGE_STATS"].lower() == "false"
    assert seen["GX_ANALYTICS_ENABLED"].lower() == "false"
    assert seen["DAGSTER_DISABLE_TELEMETRY"] == "yes"


def test_the_broken_sample_replaces_its_good_twin_and_nothing_else():
    from ingestion.catalog import SAMPLE_DATA_DIR
    from orchestration.runs import sample_root

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
    every run; ours reads the installed dbt-core's version and loads no adapter. Both members
    are private to dagster-dbt: an upgrade that renames them fails here."""
    from functools import cached_property

    import dagster_dbt.core.resource as dbt_resource
    import dbt.config.runtime
    from dbt.version import __version__ as dbt_core_version

    from orchestration.assets.dbt import dbt_project
    from orchestration.resources import VenvDbtCliResource

    assert isinstance(vars(dbt_resource.DbtCliResource).get("_cli_version"), cached_property)
    assert callable(vars(dbt_resource.DbtCliResource).get("_initialize_dbt_core_adapter"))
    monkeypatch.setattr(dbt_resource, "check_output", lambda *a, **k: pytest.fail("ran dbt --version"))
    monkeypatch.setattr(dbt.config.runtime, "load_profile", lambda *a, **k: pytest.fail("loaded the adapter"))
    resource = VenvDbtCliResource(project_dir=dbt_project,
                                  dbt_executable=str(Path(sys.executable).parent / "dbt"))
    assert str(resource._cli_version) == dbt_core_version  # what dbt-core itself says it is
    # a real invocation, as an asset makes it: dbt runs, and no adapter was loaded for it
    invocation = resource.cli(["list", "--select", "dim_unit", "--resource-type", "model", "--quiet"],
                              manifest=dbt_project.manifest_path, raise_on_error=True)
    assert invocation.is_successful() and invocation.adapter is None
