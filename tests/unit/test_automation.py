"""Schedules and sensors come from the catalog's 更新周期, and the sensors start runs only when
something new is there (evaluated directly: no run, no daemon)."""

import json
import os
from datetime import datetime

import dagster as dg

from ingestion import load_catalog
from orchestration.automation import RANGE_END, RANGE_START, README, automation_table, with_automation_table
from orchestration.definitions import build_definitions
from orchestration.resources import SourcesResource
from orchestration.settings import Settings


def defs_for(tmp_path, automation=False, portal_url=None) -> dg.Definitions:
    settings = Settings(data_dir=tmp_path / "data", portal_url=portal_url, automation=automation)
    return build_definitions(settings)


def test_one_schedule_per_update_cycle_with_the_catalog_s_datasets(tmp_path):
    defs = defs_for(tmp_path)
    schedules = {s.name: s for s in defs.schedules}
    assert set(schedules) == {"refresh_yearly_schedule", "refresh_monthly_schedule"}
    yearly = schedules["refresh_yearly_schedule"]
    assert yearly.cron_schedule == "0 6 1 * *" and yearly.execution_timezone == "Asia/Shanghai"
    assert yearly.default_status == dg.DefaultScheduleStatus.STOPPED
    job = defs.resolve_job_def("refresh_yearly")
    raw = {k.path[-1] for k in job.asset_layer.executable_asset_keys if k.path[0] == "raw"}
    assert raw == {ds.id for ds in load_catalog().values() if ds.update_cycle == "年"}
    # a refresh ends in the published files
    assert dg.AssetKey(["published", "marts_snapshot"]) in job.asset_layer.executable_asset_keys
    assert all(s.default_status == dg.DefaultScheduleStatus.RUNNING
               for s in defs_for(tmp_path, automation=True).schedules)


def test_the_monthly_schedule_asks_for_last_month_and_this_one(tmp_path):
    schedule = next(s for s in defs_for(tmp_path).schedules if s.name == "refresh_monthly_schedule")
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 1, 3, 6))
    (request,) = schedule.evaluate_tick(context).run_requests
    assert (request.tags[RANGE_START], request.tags[RANGE_END]) == ("2025-12", "2026-01")


def test_the_drop_folder_sensor_starts_a_run_for_a_new_or_changed_file(tmp_path):
    drop = tmp_path / "drop" / "农业农村局"
    drop.mkdir(parents=True)
    sensor = next(s for s in defs_for(tmp_path).sensors if s.name == "water_rural_environment_drop_folder")
    sources = SourcesResource(portal_url=None, drop_dir=str(tmp_path / "drop"), archive_dir=str(tmp_path))

    def tick(cursor):
        with dg.build_sensor_context(cursor=cursor, resources={"sources": sources}) as context:
            result = sensor.evaluate_tick(context)
        return result.run_requests, result.cursor

    requests, cursor = tick(None)
    assert requests == []  # an empty drop folder
    (drop / "农村人居环境_2026.csv").write_bytes("年份\n".encode("gbk"))
    requests, cursor = tick(cursor)
    assert len(requests) == 1 and requests[0].job_name in (None, "refresh_water_rural_environment")
    assert tick(cursor)[0] == []  # nothing new
    path = drop / "农村人居环境_2026.csv"
    path.write_bytes("年份,县区\n".encode("gbk"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert len(tick(cursor)[0]) == 1  # the department sent a revision


def test_the_listing_sensor_runs_the_months_of_newly_listed_files(tmp_path, httpserver):
    files = ["BZ0001A_202511.csv", "BZ0002A_202511.csv"]
    httpserver.expect_request("/air/hourly/index.json").respond_with_data(json.dumps({"files": files}))
    url = httpserver.url_for("/").rstrip("/")
    sensor = next(s for s in defs_for(tmp_path).sensors if s.name == "air_hourly_readings_listing")
    sources = SourcesResource(portal_url=url, drop_dir=str(tmp_path), archive_dir=str(tmp_path))

    def tick(cursor):
        with dg.build_sensor_context(cursor=cursor, resources={"sources": sources}) as context:
            result = sensor.evaluate_tick(context)
        return result.run_requests, result.cursor

    (request,), cursor = tick(None)
    assert (request.tags[RANGE_START], request.tags[RANGE_END]) == ("2025-11", "2025-11")
    assert tick(cursor)[0] == []
    files += ["BZ0001A_202512.csv", "BZ0001A_202601.csv"]
    httpserver.clear()
    httpserver.expect_request("/air/hourly/index.json").respond_with_data(json.dumps({"files": files}))
    (request,), _ = tick(cursor)
    assert (request.tags[RANGE_START], request.tags[RANGE_END]) == ("2025-12", "2026-01")


def test_the_readme_s_automation_table_is_made_from_the_definitions(tmp_path):
    defs = defs_for(tmp_path)
    readme = README.read_text(encoding="utf-8")
    table = automation_table(list(defs.schedules), list(defs.sensors))
    assert with_automation_table(readme, table) == readme, "run `python -m orchestration readme`"
    assert all(f"`{ds}`" in table for ds in load_catalog())  # every dataset is looked for
