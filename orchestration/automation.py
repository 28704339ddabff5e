"""Schedules and sensors, made from the catalog: each dataset's 更新周期 (update_cycle in
ingestion/sources.yml) puts it in one schedule per cycle, with that cycle's cron; the drop
folder and the monthly listings get sensors that start a run as soon as something new is there.

Every job here lands its sources and rebuilds what is downstream of them (staging to the
published files), so a refresh ends in the published layer, gated as in `make run`.
Schedules and sensors start stopped unless BAZHONG_AUTOMATION=on; each can be switched in the
UI (Automation) or with `dagster schedule start|stop` / `dagster sensor start|stop`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import dagster as dg

from ingestion import Dataset, FetchError, load_catalog, load_update_cycles

from .assets.raw import raw_asset_key
from .resources import SourcesResource
from .settings import REPO_DIR, Settings

TIMEZONE = "Asia/Shanghai"
README = REPO_DIR / "README.md"
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def refresh_job_name(name: str) -> str:
    return f"refresh_{name}"


def refresh_job(name: str, datasets: list[Dataset], what: str) -> dg.UnresolvedAssetJobDefinition:
    keys = [raw_asset_key(ds) for ds in datasets]
    return dg.define_asset_job(
        refresh_job_name(name), selection=dg.AssetSelection.assets(*keys).downstream(),
        description=f"{what}: {', '.join(ds.id for ds in datasets)}, and everything downstream "
                    "of them up to the published files.")


def month_range_tags(months: list[str]) -> dict[str, str]:
    """A run for a range of the monthly partitions (as a backfill of the range runs)."""
    return {RANGE_START: min(months), RANGE_END: max(months)}


def build_automation(settings: Settings) -> tuple[list, list, list]:
    """(jobs, schedules, sensors) for the catalog's datasets."""
    status = dg.DefaultScheduleStatus.RUNNING if settings.automation else dg.DefaultScheduleStatus.STOPPED
    sensor_status = dg.DefaultSensorStatus.RUNNING if settings.automation else dg.DefaultSensorStatus.STOPPED
    catalog = list(load_catalog().values())
    jobs, schedules, sensors = [], [], []
    for cycle in load_update_cycles().values():
        datasets = [ds for ds in catalog if ds.update_cycle == cycle.name_zh]
        if not datasets:
            continue
        job = refresh_job(cycle.name_en, datasets,
                          f"Sources published {cycle.name_en} (更新周期 {cycle.name_zh})")
        jobs.append(job)
        schedules.append(cycle_schedule(cycle, datasets, job, status))
    for ds in catalog:
        if ds.drop_glob:
            job = refresh_job(ds.id, [ds], f"Files dropped by {ds.department}")
            jobs.append(job)
            sensors.append(drop_folder_sensor(ds, job, sensor_status))
        elif ds.monthly:
            job = refresh_job(ds.id, [ds], f"New monthly files of {ds.department}")
            jobs.append(job)
            sensors.append(listing_sensor(ds, job, sensor_status))
    return jobs, schedules, sensors


def _datasets_metadata(datasets: list[Dataset]) -> dict[str, str]:
    """What a schedule or sensor looks for (shown in the UI, and read by automation_table)."""
    return {"datasets": ", ".join(ds.id for ds in datasets)}


# the README's table sits between these lines; `python -m orchestration readme` rewrites it
TABLE_START = "<!-- automation table: generated from the Definitions by `python -m orchestration readme` -->"
TABLE_END = "<!-- end of the automation table -->"


def with_automation_table(readme: str, table: str) -> str:
    """The README's text with the table between the markers replaced by `table`."""
    start, end = readme.index(TABLE_START) + len(TABLE_START), readme.index(TABLE_END)
    return f"{readme[:start]}\n{table}{readme[end:]}"


def write_readme_table(settings: Settings) -> int:
    """`python -m orchestration readme`: the README's automation table made current."""
    from .definitions import build_definitions  # it imports this module

    defs = build_definitions(settings)
    schedules, sensors = list(defs.schedules or []), list(defs.sensors or [])
    text = README.read_text(encoding="utf-8")
    README.write_text(with_automation_table(text, automation_table(schedules, sensors)), encoding="utf-8")
    print(f"{README}: automation table of {len(schedules)} schedules and {len(sensors)} sensors")
    return 0


def automation_table(schedules: list, sensors: list) -> str:
    """The README's automation table, from the schedules and sensors the Definitions hold."""
    cycles = load_update_cycles()
    catalog = load_catalog()
    lines = ["| automation | runs | starts | datasets | a period is late |", "|---|---|---|---|---|"]
    for item in [*schedules, *sensors]:
        if "datasets" not in item.metadata:  # the alert sensors (orchestration/alerts.py) fetch nothing
            continue
        names = item.metadata["datasets"].text.split(", ")
        due = sorted({cycles[catalog[n].update_cycle].due_days for n in names})
        when = (f"schedule `{item.cron_schedule}` ({item.execution_timezone})"
                if isinstance(item, dg.ScheduleDefinition)
                else f"sensor, every {item.minimum_interval_seconds} s")
        shown = ", ".join(f"`{n}`" for n in names)
        lines.append(f"| `{item.name}` | {when} | `{item.job_name}` | {len(names)}: {shown} | "
                     f"{' or '.join(map(str, due))} days after it ends |")
    return "\n".join(lines) + "\n"


def cycle_schedule(cycle, datasets: list[Dataset], job, status) -> dg.ScheduleDefinition:
    monthly = [ds for ds in datasets if ds.monthly]

    @dg.schedule(name=f"{refresh_job_name(cycle.name_en)}_schedule", job=job, cron_schedule=cycle.cron,
                 execution_timezone=TIMEZONE, default_status=status, metadata=_datasets_metadata(datasets),
                 description=f"更新周期 {cycle.name_zh}: looks for new data of "
                             f"{', '.join(ds.id for ds in datasets)} at '{cycle.cron}' ({TIMEZONE}).")
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        when = context.scheduled_execution_time or datetime.now()
        # a monthly feed: last month (its late files) and this one, not the whole history
        tags = month_range_tags([(when.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"),
                                 when.strftime("%Y-%m")]) if monthly else {}
        return dg.RunRequest(run_key=None, tags=tags)

    return _schedule


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def drop_folder_sensor(ds: Dataset, job, status) -> dg.SensorDefinition:
    @dg.sensor(name=f"{ds.id}_drop_folder", job=job, minimum_interval_seconds=60, default_status=status,
               metadata=_datasets_metadata([ds]),
               description=f"Starts {job.name} when a file matching {ds.drop_glob!r} appears or "
                           "changes in the drop folder (BAZHONG_DROP_DIR).")
    def _sensor(context: dg.SensorEvaluationContext, sources: SourcesResource):
        seen = json.loads(context.cursor) if context.cursor else {}
        now = {str(p): f"{p.stat().st_mtime_ns}:{p.stat().st_size}" for p in sources.dropped_files(ds)}
        changed = sorted(p for p, stamp in now.items() if seen.get(p) != stamp)
        context.update_cursor(json.dumps(now, sort_keys=True))
        if not changed:
            return dg.SkipReason(f"no new or changed file in {sources.drop_dir} matching {ds.drop_glob!r}")
        context.log.info(f"{ds.id}: new or changed: {', '.join(changed)}")
        return dg.RunRequest(run_key=_digest({p: now[p] for p in changed}))

    return _sensor


def listing_sensor(ds: Dataset, job, status) -> dg.SensorDefinition:
    @dg.sensor(name=f"{ds.id}_listing", job=job, minimum_interval_seconds=300, default_status=status,
               metadata=_datasets_metadata([ds]),
               description=f"Reads the listing of {ds.id} and starts {job.name} for the months of "
                           "files it has not seen listed before (a file re-sent under the same "
                           "name is picked up by the schedule, which compares bytes).")
    def _sensor(context: dg.SensorEvaluationContext, sources: SourcesResource):
        seen = set(json.loads(context.cursor)) if context.cursor else set()
        try:
            listed = sources.listed_months(ds)
        except FetchError as exc:
            return dg.SkipReason(f"listing not readable now: {exc}")
        new = {name: month for name, month in listed.items() if name not in seen}
        context.update_cursor(json.dumps(sorted(seen | set(listed))))
        if not new:
            return dg.SkipReason(f"{len(listed)} files listed, none new")
        months = sorted(set(new.values()))
        context.log.info(f"{ds.id}: {len(new)} new file(s) in {', '.join(months)}")
        return dg.RunRequest(run_key=_digest(sorted(new)), tags=month_range_tags(months))

    return _sensor
