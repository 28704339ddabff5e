"""Nothing new, nothing rebuilt (orchestration/build_log.py): what makes a build's inputs, and
when the dbt step may skip its build."""

from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest

from orchestration.assets.dbt import unchanged_since
from orchestration.build_log import (
    REBUILD_TAG,
    finish_build,
    inputs_fingerprint,
    last_build,
    publish_settings,
    relations,
    start_build,
)
from orchestration.settings import Settings


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts; CREATE TABLE marts.mart_carbon (x INT);"
                "CREATE TABLE raw.load_log (load_id VARCHAR, status VARCHAR);"
                "INSERT INTO raw.load_log VALUES ('a', 'landed'), ('b', 'failed')")
    return con


def test_the_inputs_change_with_a_landed_load_the_code_the_settings_or_the_selection(con):
    inputs = inputs_fingerprint(con, "code", ["marts/mart_carbon"], ["--vars", "{}"])
    assert inputs_fingerprint(con, "code", ["marts/mart_carbon"], ["--vars", "{}"]) == inputs
    con.execute("INSERT INTO raw.load_log VALUES ('c', 'failed')")  # a failed load brings nothing
    assert inputs_fingerprint(con, "code", ["marts/mart_carbon"], ["--vars", "{}"]) == inputs
    assert inputs_fingerprint(con, "code 2", ["marts/mart_carbon"], ["--vars", "{}"]) != inputs
    assert inputs_fingerprint(con, "code", ["marts/other"], ["--vars", "{}"]) != inputs
    assert inputs_fingerprint(con, "code", ["marts/mart_carbon"], ["--vars", '{"a": 1}']) != inputs
    assert inputs_fingerprint(con, "code", ["marts/mart_carbon"], ["--vars", "{}"], "exchange set") != inputs
    con.execute("INSERT INTO raw.load_log VALUES ('d', 'landed')")
    assert inputs_fingerprint(con, "code", ["marts/mart_carbon"], ["--vars", "{}"]) != inputs


def test_setting_the_exchange_database_or_its_consumers_is_something_new(tmp_path):
    consumers = tmp_path / "consumers.yml"
    consumers.write_text("consumers: []\n", encoding="utf-8")
    files_only = publish_settings(Settings(data_dir=tmp_path, exchange_consumers=consumers))
    assert publish_settings(Settings(data_dir=tmp_path, exchange_consumers=consumers)) == files_only
    assert publish_settings(Settings(data_dir=tmp_path, exchange_consumers=consumers,
                                     exchange_dsn="postgresql://loader@127.0.0.1/exchange")) != files_only
    consumers.write_text("consumers: [{id: fgw}]\n", encoding="utf-8")
    assert publish_settings(Settings(data_dir=tmp_path, exchange_consumers=consumers)) != files_only


def context(statuses: dict[str, dg.DagsterRunStatus], tags: dict[str, str] | None = None):
    runs = {run_id: SimpleNamespace(status=status) for run_id, status in statuses.items()}
    return SimpleNamespace(run=SimpleNamespace(tags=tags or {}),
                           instance=SimpleNamespace(get_run_by_id=runs.get))


def test_a_build_is_skipped_only_after_a_good_build_with_the_same_inputs_in_a_good_run(con):
    ok = context({"r1": dg.DagsterRunStatus.SUCCESS})
    assert last_build(con) is None and unchanged_since(ok, None, "i", relations(con)) is None
    start_build(con, "r1", "i")
    assert unchanged_since(ok, last_build(con), "i", relations(con)) is None  # started, never finished
    con.execute("CREATE TABLE marts.mart_forest (x INT)")  # what the build made
    finish_build(con, "r1", succeeded=True)
    assert last_build(con) == ("r1", "i", "succeeded", "marts.mart_carbon,marts.mart_forest")
    assert unchanged_since(ok, last_build(con), "i", relations(con)) == "r1"
    assert unchanged_since(ok, last_build(con), "other inputs", relations(con)) is None
    assert unchanged_since(context({"r1": dg.DagsterRunStatus.SUCCESS}, {REBUILD_TAG: "true"}),
                           last_build(con), "i", relations(con)) is None
    # the build succeeded but its run did not (a mart check stopped the publish): build again
    assert unchanged_since(context({"r1": dg.DagsterRunStatus.FAILURE}), last_build(con), "i",
                           relations(con)) is None
    assert unchanged_since(context({}), last_build(con), "i", relations(con)) is None  # not in this instance
    con.execute("DROP TABLE marts.mart_forest")  # dropped by hand: built again
    assert unchanged_since(ok, last_build(con), "i", relations(con)) is None
    start_build(con, "r2", "i")
    finish_build(con, "r2", succeeded=False)
    assert unchanged_since(context({"r2": dg.DagsterRunStatus.SUCCESS}), last_build(con), "i",
                           relations(con)) is None
