"""(b), (c) and (d) of the benchmark: one run of the pipeline's air path, in a process of its
own so that its peak RSS is its own (bench/run.py starts it and reads its rusage).

    python -m bench.pipeline --data bench/data/1M --work /tmp/w --months 11 [--first 11]

The work folder holds a data folder (warehouse, archive) and a portal folder whose index lists
the first --months months of the generated feed; the feed is fetched over loopback HTTP from
the project's own portal, exactly as `make run` fetches the sample (bench/run.py serves it
from a process of its own, as a department's server is another machine). One run covers the monthly
partitions from the --first listed month to the last (a backfill of that range). What runs is the air path
of the real Definitions: raw/air_hourly_readings with its GX gate, the air staging,
intermediate and mart models with their dbt tests, and the marts' GX suites.

    python -m bench.pipeline --data bench/data/1M --work /tmp/w --set-up

prepares the work folder first, in a process of its own that bench/run.py does not time (a
deployment has this already): the seeds, with the generated stations appended to
reference.monitoring_stations (the generator maps each to a county).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb

from ingestion import serve_portal
from orchestration.definitions import build_definitions, execute_selection
from orchestration.progress import RunProgress
from orchestration.settings import DBT_PROJECT_DIR, Settings

TOKEN = "bench-token"
AIR_ASSETS = [["raw", "air_hourly_readings"], ["staging", "stg_air__hourly_readings"],
              ["intermediate", "int_air__station_daily"], ["intermediate", "int_air__region_daily"],
              ["marts", "mart_air_quality_daily"],
              ["marts", "mart_air_quality"]]


def months_of(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "csv").glob("month=*"))


def publish_months(data: Path, portal: Path, months: int) -> list[str]:
    """The portal lists the first `months` months (each a link to the generated folder)."""
    hourly = portal / "air" / "hourly"
    hourly.mkdir(parents=True, exist_ok=True)
    listed = months_of(data)[:months]
    files = []
    for month in listed:
        link = hourly / month
        if not link.exists():
            link.symlink_to((data / "csv" / month).resolve(), target_is_directory=True)
        files += sorted(f"{month}/{p.name}" for p in link.glob("*.csv"))
    (hourly / "index.json").write_text(json.dumps({"files": files}, indent=1))
    return listed


def set_up(settings: Settings, data: Path) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    dbt = [str(Path(sys.executable).parent / "dbt")]
    # a target folder of its own: the project's holds the manifest the pipeline reads
    options = ["--quiet", "--profiles-dir", ".", "--target-path", str(settings.data_dir / "dbt-target"),
               *settings.dbt_vars_arg()]
    for command in (["seed"], ["run", "--select", "dim_region"]):  # the marts name regions
        subprocess.run(dbt + command + options, cwd=DBT_PROJECT_DIR, check=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute(f"""INSERT INTO reference.monitoring_stations BY NAME
                        SELECT station_code, name_zh, region_code, 'sample' AS station_type,
                               'SAMPLE station made by bench/generate.py' AS note
                        FROM read_csv('{data / 'stations.csv'}', all_varchar = true)""")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="a folder bench.generate wrote")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--months", type=int, help="how many months the portal lists")
    parser.add_argument("--set-up", action="store_true", help="only prepare the work folder")
    parser.add_argument("--portal-url", help="the portal serving W/portal from a process of its own "
                                             "(bench/run.py starts it); default: served in this one")
    parser.add_argument("--first", type=int, default=1,
                        help="run the partitions from this listed month (1 = the first) to the last listed")
    args = parser.parse_args(argv)
    if args.set_up:
        set_up(Settings(data_dir=args.work / "data", portal_url=None, drop_dir=args.work / "drop"), args.data)
        print(json.dumps({"seconds": 0, "success": True}))
        return 0
    if args.months is None:
        parser.error("--months is required")
    listed = publish_months(args.data, args.work / "portal", args.months)
    os.environ["BAZHONG_PORTAL_TOKEN"] = TOKEN
    # dbt unit tests check the models' SQL on fixtures, not the data: CI runs them, the
    # benchmark times the data path
    os.environ["DBT_EXCLUDE_RESOURCE_TYPES"] = "unit_test"
    with (contextlib.nullcontext(args.portal_url) if args.portal_url
          else serve_portal(root=args.work / "portal", token=TOKEN)) as url:
        settings = Settings(data_dir=args.work / "data", portal_url=url, drop_dir=args.work / "drop")
        defs = build_definitions(settings)
        # the work folder's own instance, kept from run to run as a deployment's is: the dbt
        # step skips its build when the last good run had the same inputs (the no-op step)
        (args.work / "dagster").mkdir(exist_ok=True)
        instance = dg.DagsterInstance.local_temp(str(args.work / "dagster"),
                                                 overrides={"telemetry": {"enabled": False}})
        if not settings.warehouse_path.exists():  # run by hand without --set-up first
            set_up(settings, args.data)
        started = time.monotonic()
        keys = [m.removeprefix("month=") for m in listed]
        # as it goes, on stderr (bench.run shows it): each file landed, each load validated,
        # each asset as it finishes; Dagster's whole event stream goes to the work folder's log
        selection = dg.AssetSelection.assets(*AIR_ASSETS)
        expected = Counter(k.asset_key for k in selection.resolve_checks(defs.resolve_asset_graph()))
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        with open(settings.log_dir / "bench-runs.log", "a", encoding="utf-8") as log:
            progress = RunProgress(sys.stderr, log, expected, echo_info=True)
            # one run for the range, as a backfill of it runs (the feed's policy: one run per range)
            result = execute_selection(defs, selection, instance, progress=progress,
                                       months=(keys[args.first - 1], keys[-1]))
        seconds = time.monotonic() - started
    failed = [f"{e.asset_key.to_user_string()}:{e.check_name}"
              for e in result.get_asset_check_evaluations()
              if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = {".".join(k): con.execute(f"SELECT count(*) FROM {'.'.join(k)}").fetchall()[0][0]
                for k in AIR_ASSETS}
    # where the time goes: Dagster's own duration of each step of the run
    steps = {e.step_key: round(e.step_success_data.duration_ms / 1000, 2)
             for e in result.all_events if e.is_step_success}
    print(json.dumps({"seconds": round(seconds, 2), "success": result.success and not failed,
                      "steps_s": steps,
                      "failed_checks": failed, "partitions": [keys[args.first - 1], keys[-1]],
                      "rows": rows}))
    return 0 if result.success and not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
