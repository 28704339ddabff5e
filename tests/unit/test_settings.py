"""One settings module reads the environment; dbt gets the same settings as vars."""

import json
import re

import pytest

from orchestration.settings import REPO_DIR, Settings


def test_settings_come_from_the_environment_with_defaults_inside_the_repo(monkeypatch, tmp_path):
    for name in ["BAZHONG_DATA_DIR", "BAZHONG_PORTAL_URL", "BAZHONG_DROP_DIR", "BAZHONG_DUCKDB_MEMORY_LIMIT",
                 "BAZHONG_GRID_FACTOR_SCOPE", "BAZHONG_GRID_FACTOR_YEAR", "BAZHONG_GHG_GWP_SET",
                 "BAZHONG_AUTOMATION"]:
        monkeypatch.delenv(name, raising=False)
    default = Settings.from_env()
    assert default.data_dir == REPO_DIR / "data" and default.drop_dir == REPO_DIR / "data" / "drop"
    assert default.portal_url is None and default.duckdb_memory_limit == "3GB"
    assert default.grid_factor_scope == "provincial" and default.automation is False
    assert default.grid_factor_year == "nearest" and default.ghg_gwp_set == "AR5"

    monkeypatch.setenv("BAZHONG_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("BAZHONG_PORTAL_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BAZHONG_DUCKDB_MEMORY_LIMIT", "8GB")
    monkeypatch.setenv("BAZHONG_GRID_FACTOR_SCOPE", "national")
    monkeypatch.setenv("BAZHONG_AUTOMATION", "on")
    s = Settings.from_env()
    assert s.warehouse_path == tmp_path / "d" / "warehouse.duckdb" and s.drop_dir == tmp_path / "d" / "drop"
    assert (s.portal_url, s.duckdb_memory_limit, s.grid_factor_scope, s.automation) == (
        "http://127.0.0.1:9", "8GB", "national", True)
    # dbt's vars are serialized, never formatted by hand: a quote in a path survives
    odd = Settings(data_dir=tmp_path / 'it"s here')
    flag, value = odd.dbt_vars_arg()
    assert flag == "--vars" and json.loads(value)["warehouse_path"] == str(odd.warehouse_path)


@pytest.mark.parametrize("name, value", [("BAZHONG_GRID_FACTOR_SCOPE", "global"),
                                         ("BAZHONG_GRID_FACTOR_YEAR", "latest"),
                                         ("BAZHONG_GHG_GWP_SET", "AR7"),
                                         ("BAZHONG_AUTOMATION", "yes"),
                                         ("BAZHONG_LANDING_WORKERS", "0"),
                                         ("BAZHONG_LANDING_WORKERS", "two"),
                                         ("BAZHONG_FETCH_RETRIES", "-1")])
def test_a_wrong_setting_is_a_clear_error(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        Settings.from_env()


def test_dbt_reads_the_same_names_when_run_by_hand():
    """profiles.yml and dbt_project.yml fall back to the settings' environment variables."""
    profile = (REPO_DIR / "dbt_project" / "profiles.yml").read_text(encoding="utf-8")
    project = (REPO_DIR / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"env_var\('([A-Z_]+)'", profile + project))
    assert used == {"BAZHONG_DATA_DIR", "BAZHONG_DUCKDB_MEMORY_LIMIT", "BAZHONG_GRID_FACTOR_SCOPE",
                    "BAZHONG_GRID_FACTOR_YEAR", "BAZHONG_GHG_GWP_SET", "BAZHONG_SPARK_MASTER",
                    "BAZHONG_SPARK_DIR", "BAZHONG_SPARK_THRIFT_HOST", "BAZHONG_SPARK_THRIFT_PORT"}
    assert set(re.findall(r"var\('([a-z_]+)'", profile + project)) <= set(Settings(REPO_DIR).dbt_vars())
