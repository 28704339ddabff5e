"""Raw layer: one ingestion asset per catalog dataset, each guarded by a blocking GX check and
watched by a freshness check (is the department late, by its 更新周期?)."""

from datetime import date
from pathlib import Path

import dagster as dg

from expectations import (
    Failure,
    ValidationOutcome,
    prepare_raw_frame,
    raw_suite,
    record,
    stored_outcomes,
    suite_version,
    validate,
)
from ingestion import Dataset, FetchError, LoadError, land, load_catalog
from ingestion.catalog import raw_columns
from ingestion.contract import rule_severity
from ingestion.contract_sql import prepared_batch_sql
from ingestion.freshness import freshness
from ingestion.landing import SOURCE_KEY, quarantined_by_rule

from ..resources import WRITER_POOL, SourcesResource, WarehouseResource
from .checks import check_result


def raw_asset_key(ds: Dataset) -> dg.AssetKey:
    return dg.AssetKey(["raw", ds.id])


def month_partitions(ds: Dataset) -> dg.MonthlyPartitionsDefinition | None:
    """Monthly partitions for a feed of monthly files (month_in_name in sources.yml)."""
    if not ds.monthly:
        return None
    return dg.MonthlyPartitionsDefinition(start_date=ds.first_month, fmt="%Y-%m", end_offset=1)


def provider(ds: Dataset) -> str:
    """The providing departments with their owner ids, for descriptions."""
    return "、".join(f"{d.name_zh} ({d.owner})" for d in ds.departments)


def raw_column_schema(ds: Dataset) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name, sql_type, description=doc)
                                   for name, sql_type, doc in raw_columns(ds)])


def build_raw_asset(ds: Dataset) -> dg.AssetsDefinition:
    partitions = month_partitions(ds)

    @dg.asset(
        key=raw_asset_key(ds),
        group_name="raw",
        owners=ds.owners,
        description=f"{ds.title_zh} — {ds.title_en}. Provided by {provider(ds)}, "
                    f"更新周期 {ds.update_cycle} ({ds.format}, {ds.encoding}); landed as text in "
                    f"{ds.raw_table}; rejected rows go to raw.quarantine, every load to raw.load_log.",
        kinds={"python", "duckdb", "gx"},
        pool=WRITER_POOL,
        # a run without partitions fetches every listed file; a run for a range of months
        # (a backfill: one run per range) only the files of those months
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions else None,
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
            try:
                for f in sources.fetch(ds, months):  # lands each file before the next is fetched
                    results.append(land(con, ds, f, Path(sources.archive_dir)))
                    r = results[-1]
                    context.log.info(f"{ds.id}: {f.uri}: {r.status}, received {r.rows_received}, "
                                     f"landed {r.rows_landed}, quarantined {r.rows_quarantined}")
            except (FetchError, LoadError) as exc:
                raise dg.Failure(description=str(exc)) from exc
            total = con.execute(f"SELECT count(*) FROM {ds.raw_table}").fetchone()[0]
        return dg.MaterializeResult(metadata={
            "dagster/row_count": total,
            "files_fetched": len(results),
            "loads_landed": sum(r.status == "landed" for r in results),
            "loads_unchanged": sum(r.status == "unchanged" for r in results),
            "rows_landed": sum(r.rows_landed for r in results),
            "rows_quarantined": sum(r.rows_quarantined for r in results),
            "load_ids": [r.load_id for r in results if r.status == "landed"],
            **({"months": sorted(months)} if months else {}),
        })

    return _raw


def latest_loads_sql(ds: Dataset) -> str:
    # The newest landed load of each source file: exactly the batches downstream will read.
    return f"""
        SELECT load_id FROM raw.load_log
        WHERE dataset_id = '{ds.id}' AND status = 'landed'
        QUALIFY row_number() OVER (PARTITION BY {SOURCE_KEY} ORDER BY fetched_at DESC, load_id DESC) = 1
        ORDER BY load_id
    """


def quarantine_failures(con, ds: Dataset, load_id: str) -> list[Failure]:
    """Rows the contract sent to quarantine count against the batch, by their rule's severity."""
    return [Failure(expectation=f"quarantine:{rule}", column=field, severity=rule_severity(ds, rule),
                    unexpected_count=rows, examples=messages, batch=load_id)
            for rule, field, rows, messages in quarantined_by_rule(con, load_id)]


def validate_load(con, ds: Dataset, suite, gx_root: Path, load_id: str) -> tuple[ValidationOutcome, int]:
    """The raw suite on one load (a partition of the raw table: never the whole table in
    memory). A SQL-landed feed is prepared in DuckDB, by the same expressions as its contract."""
    if ds.landing == "duckdb":
        frame = con.execute(prepared_batch_sql(ds), {"load_id": load_id}).df()
    else:
        frame = prepare_raw_frame(ds, con.execute(f"SELECT * FROM {ds.raw_table} WHERE _load_id = ?",
                                                  [load_id]).df())
    return validate(frame, suite, gx_root, load_id), len(frame)


def build_raw_check(ds: Dataset, gx_root: Path) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=raw_asset_key(ds),
        name="gx_raw_suite",
        description=f"Great Expectations suite raw__{ds.id}, built from the catalog contract "
                    "(columns, required values, numbers, units and ranges, known regions, "
                    "years up to this year, unique natural key; county completeness warns), "
                    "plus the rows the contract quarantined, by rule. Errors block downstream. "
                    "Each load is validated once per suite version; results go to raw.dq_results.",
        blocking=True,
        pool=WRITER_POOL,  # writes raw.dq_results
    )
    def _check(context: dg.AssetCheckExecutionContext,
               warehouse: WarehouseResource) -> dg.AssetCheckResult:
        suite = raw_suite(ds)
        version = suite_version(suite)
        outcome, validated_now = ValidationOutcome(suite=suite.name), 0
        with warehouse.connect() as con:
            load_ids = [r[0] for r in con.execute(latest_loads_sql(ds)).fetchall()]
            stored = stored_outcomes(con, suite.name, version, load_ids)
            for load_id in load_ids:
                if load_id not in stored:
                    found, rows = validate_load(con, ds, suite, gx_root, load_id)
                    found.failures += quarantine_failures(con, ds, load_id)
                    context.log.info(f"{ds.id}: validated load {load_id} ({rows} rows): "
                                     f"{len(found.errors)} errors, {len(found.warnings)} warnings")
                    record(con, run_id=context.op_execution_context.run_id, asset_key=f"raw/{ds.id}",
                           check_name="gx_raw_suite", version=version, partition=load_id,
                           rows=rows, outcome=found)
                    stored[load_id], validated_now = found, validated_now + 1
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
            found = freshness(con, ds, date.today())
        return dg.AssetCheckResult(
            passed=not found.late, severity=dg.AssetCheckSeverity.WARN,
            description=found.describe(ds),
            metadata={"latest_period": found.latest or "", "expected_period": found.expected,
                      "due_by": found.due_by.isoformat(), "update_cycle": ds.update_cycle,
                      "department": ds.department})

    return _check


def build_raw_layer(gx_root: Path) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    datasets = load_catalog().values()
    checks = [build_raw_check(d, gx_root) for d in datasets] + [build_freshness_check(d) for d in datasets]
    return [build_raw_asset(d) for d in datasets], checks
