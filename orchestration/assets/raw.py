"""Raw layer: one ingestion asset per catalog dataset, each guarded by a blocking GX check and
watched by a freshness check (is the department late, by its 更新周期?)."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg

from expectations import (
    Failure,
    ValidationOutcome,
    prepare_raw_profile,
    raw_profile_sql,
    raw_suite,
    record,
    stored_outcomes,
    suite_version,
    validate_per_batch,
)
from ingestion import (
    Dataset,
    FetchError,
    LoadError,
    dataset_freshness,
    land_batches,
    latest_loads_sql,
    load_catalog,
    log_fetch_failure,
    quarantined_by_rule,
    raw_columns,
    rule_severity,
)

from ..resources import WRITER_POOL, SourcesResource, WarehouseResource
from .checks import check_result

# a batch of files landed together: bounded so memory stays small whatever the feed
BATCH_FILES = 500
BATCH_BYTES = 64 * 1024 * 1024


def raw_asset_key(ds: Dataset) -> dg.AssetKey:
    return dg.AssetKey(["raw", ds.id])


def month_partitions(ds: Dataset) -> dg.MonthlyPartitionsDefinition | None:
    """Monthly partitions for a feed of monthly files (month_in_name in sources.yml). Every
    monthly feed shares one definition, from the earliest feed's first_month: Dagster runs
    assets in one job only when their partitions agree, and a month before a feed's own first
    month simply lists no file of it."""
    if not ds.monthly:
        return None
    first = min(d.first_month for d in load_catalog().values() if d.monthly and d.first_month)
    return dg.MonthlyPartitionsDefinition(start_date=first, fmt="%Y-%m", end_offset=1)


def provider(ds: Dataset) -> str:
    """The providing departments with their owner ids, for descriptions."""
    return "、".join(f"{d.name_zh} ({d.owner})" for d in ds.departments)


def raw_column_schema(ds: Dataset) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name, sql_type, description=doc)
                                   for name, sql_type, doc in raw_columns(ds)])


def build_raw_asset(ds: Dataset, retry: dg.RetryPolicy | None = None) -> dg.AssetsDefinition:
    partitions = month_partitions(ds)

    @dg.asset(
        key=raw_asset_key(ds),
        group_name="raw",
        owners=ds.owners,
        description=f"{ds.title_zh} — {ds.title_en}. Provided by {provider(ds)}, "
                    f"更新周期 {ds.update_cycle} ({ds.format}, {ds.encoding}); landed as text in "
                    f"{ds.raw_table}"
                    + (f" (Parquet in raw/{ds.id}/, Spark reads it too)" if ds.storage == "parquet" else "")
                    + "; rejected rows go to raw.quarantine, every load to raw.load_log.",
        kinds={"python", "duckdb", "gx"} | ({"parquet"} if ds.storage == "parquet" else set()),
        pool=WRITER_POOL,
        # a department's server that is down (or has not yet published) is tried again later;
        # a drop folder is on this machine, and bad data is not fixed by waiting (LoadError)
        retry_policy=retry if ds.url else None,
        # a run without partitions fetches every listed file; a run for a range of months
        # (a backfill: one run per range) only the files of those months
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions else None,
        # reports are checked against the permit register at landing: it lands first
        deps=[raw_asset_key(load_catalog()[ds.permit_register["dataset"]])] if ds.permit_register else None,
        metadata={"dataset_id": ds.id, "department": ds.department, "domain": ds.domain,
                  "format": ds.format, "frequency": ds.frequency, "update_cycle": ds.update_cycle,
                  "source": ds.url or f"drop folder: {ds.drop_glob}",
                  "dagster/table_name": ds.raw_table,
                  "dagster/column_schema": raw_column_schema(ds)},
    )
    def _raw(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
             sources: SourcesResource) -> dg.MaterializeResult:
        results = []
        partitioned = context.has_partition_key or context.has_partition_key_range
        months = set(context.partition_keys) if partitioned else None
        with warehouse.connect() as con:

            def batches() -> Iterator[list]:
                """The files as fetched, in batches (a feed's many small files in one statement,
                each still its own load)."""
                batch: list = []
                for f in sources.fetch(ds, months):
                    batch.append(f)
                    if len(batch) >= BATCH_FILES or sum(len(b.data) for b in batch) >= BATCH_BYTES:
                        yield batch
                        batch = []
                if batch:
                    yield batch

            try:
                # a feed stored as Parquet lands several batches at once in worker processes
                for found in land_batches(con, ds, batches(), Path(sources.archive_dir),
                                          warehouse.landing_workers):
                    results.extend(found)
                    landed = [r for r in found if r.status == "landed"]

                    def total(what: str, landed=landed) -> int:
                        return sum(getattr(r, what) for r in landed)

                    context.log.info(
                        f"{ds.id}: {len(found)} file(s): {len(landed)} landed, {len(found) - len(landed)} "
                        f"unchanged; rows received {total('rows_received')}, landed {total('rows_landed')}, "
                        f"quarantined {total('rows_quarantined')} (and {total('cells_quarantined')} cells)")
            except FetchError as exc:
                log_fetch_failure(con, ds, sources.source_uri(ds), str(exc))
                raise dg.Failure(description=str(exc)) from exc
            except LoadError as exc:  # the file's failed load_log row is written by landing
                raise dg.Failure(description=str(exc), allow_retries=False) from exc
            raw_rows: int = con.execute(f"SELECT count(*) FROM {ds.raw_table}").fetchall()[0][0]
        return dg.MaterializeResult(metadata={
            "dagster/row_count": raw_rows,
            "files_fetched": len(results),
            "loads_landed": sum(r.status == "landed" for r in results),
            "loads_unchanged": sum(r.status == "unchanged" for r in results),
            "rows_landed": sum(r.rows_landed for r in results),
            "rows_quarantined": sum(r.rows_quarantined for r in results),
            "cells_quarantined": sum(r.cells_quarantined for r in results),
            "load_ids": [r.load_id for r in results if r.status == "landed"],
            **({"months": sorted(months)} if months else {}),
        })

    return _raw


def quarantine_failures(con, ds: Dataset, load_ids: list[str]) -> dict[str, list[Failure]]:
    """Rows and cells the contract sent to quarantine count against their load, by their rule's
    severity (one query for all the loads)."""
    return {load_id: [Failure(expectation=f"quarantine:{rule}", column=field,
                              severity=rule_severity(ds, rule), unexpected_count=count,
                              examples=messages, batch=load_id)
                      for rule, field, count, messages in found]
            for load_id, found in quarantined_by_rule(con, load_ids).items()}


def build_raw_check(ds: Dataset, gx_root: Path) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=raw_asset_key(ds),
        name="gx_raw_suite",
        description=f"Great Expectations suite raw__{ds.id} on a profile of each load computed "
                    "in DuckDB (rows and cells received = landed + quarantined, required fields "
                    "typed, numbers and years in range, unique natural key, cells lost to "
                    "warn_rules under a limit; county completeness warns), plus the rows the "
                    "contract quarantined, by rule. Errors block downstream. Each load is "
                    "validated once per suite version; results go to raw.dq_results.",
        blocking=True,
        pool=WRITER_POOL,  # writes raw.dq_results
    )
    def _check(context: dg.AssetCheckExecutionContext,
               warehouse: WarehouseResource) -> dg.AssetCheckResult:
        suite = raw_suite(ds)
        version = suite_version(suite)
        outcome, validated_now = ValidationOutcome(suite=suite.name), 0
        with warehouse.connect() as con:
            load_ids = [r[0] for r in con.execute(
                f"SELECT load_id FROM ({latest_loads_sql(ds.id)}) ORDER BY load_id").fetchall()]
            stored = stored_outcomes(con, suite.name, version, load_ids)
            new = [load_id for load_id in load_ids if load_id not in stored]
            if new:  # one aggregate query over the new loads, one GX validation of its rows
                profile = con.execute(raw_profile_sql(ds), {"load_ids": new}).df()
                found = validate_per_batch(prepare_raw_profile(profile), suite, gx_root, "load_id", new,
                                           run_name=context.op_execution_context.run_id)
                rows = dict(zip(profile["load_id"], profile["rows_received"], strict=True))
                quarantined = quarantine_failures(con, ds, new)
                for load_id in new:
                    found[load_id].failures += quarantined.get(load_id, [])
                record(con, run_id=context.op_execution_context.run_id, asset_key=f"raw/{ds.id}",
                       check_name="gx_raw_suite", version=version,
                       outcomes={load_id: (int(rows[load_id]), found[load_id]) for load_id in new})
                stored.update(found)
                failed = [load_id for load_id in new if found[load_id].failures]
                context.log.info(f"{ds.id}: validated {len(new)} new load(s), "
                                 f"{int(profile['rows_received'].sum())} rows, in one profile query; "
                                 f"{len(failed)} with findings")
                validated_now = len(new)
            for load_id in load_ids:
                outcome = outcome.merge(stored[load_id])
        if not load_ids:
            return dg.AssetCheckResult(passed=True, metadata={"note": "no loads landed yet"})
        return check_result(outcome, {"loads_checked": len(load_ids),
                                      "loads_validated_now": validated_now})

    return _check


FRESHNESS_CHECK = "freshness"


def build_freshness_check(ds: Dataset) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=raw_asset_key(ds),
        name=FRESHNESS_CHECK,
        description=f"Is {ds.department} late? The newest period in {ds.raw_table} against the "
                    f"newest one due by today under its 更新周期 {ds.update_cycle} (a period is due "
                    f"{ds.cycle.due_days} days after it ends; sources.yml update_cycles). Late warns.",
        blocking=False,
        pool=WRITER_POOL,  # reads the warehouse another run may be writing
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            found = dataset_freshness(con, ds, date.today())
        return dg.AssetCheckResult(
            passed=not found.late, severity=dg.AssetCheckSeverity.WARN,
            description=found.describe(ds),
            metadata={"latest_period": found.latest or "", "expected_period": found.expected,
                      "due_by": found.due_by.isoformat(), "update_cycle": ds.update_cycle,
                      "department": ds.department})

    return _check


def build_raw_layer(gx_root: Path, retry: dg.RetryPolicy | None = None,
                    ) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The raw assets and their checks; `retry`: the policy of the assets that fetch over HTTP."""
    datasets = load_catalog().values()
    checks = [build_raw_check(d, gx_root) for d in datasets] + [build_freshness_check(d) for d in datasets]
    return [build_raw_asset(d, retry) for d in datasets], checks
