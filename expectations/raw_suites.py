"""GX suites of the raw gate, built from the source catalog (ingestion/sources.yml): the profile
of each load computed in DuckDB (rows and cells accounted for, typed required fields, ranges,
unique keys, counties reporting, a revision against the vintage it replaces) and the suite its
rows are validated against. A rate's numerator ≤ denominator is a landing rule on every row
(ingestion's parts_of_wholes), so sums over rows keep it."""

from __future__ import annotations

from datetime import date

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity

from ingestion import Dataset, landed_loads_sql, typed_unit

REGIONS_REPORTING = "regions_reporting_min"
# Cells a feed may lose to its warn_rules (odd bad readings) before the batch is stopped:
# beyond this share the file is broken, not noisy.
MAX_WARN_QUARANTINE_SHARE = 0.25
# A new vintage of a file with fewer than this share of the previous vintage's rows is held
# for review: a body cut at a row boundary, or a department sending one county's sheet.
MIN_REVISION_ROWS_SHARE = 0.75
# Each finding names the load and its row counts beside the previous vintage's, and for a
# report that replaces another (revision_bounds) both versions' figures.
REVISION_FIGURES = "revision_figures"
PROFILE_INDEX = ["load_id", "rows_received", "previous_vintage_rows", REVISION_FIGURES]
# The most changed items a revision's message lists.
REVISION_ITEMS_SHOWN = 6


def _year_and_region(ds: Dataset) -> tuple[str, str] | None:
    years = [f.name for f in ds.fields if f.kind == "year"]
    regions = [f.name for f in ds.fields if f.kind == "region"]
    return (years[0], regions[0]) if years and regions else None


def raw_profile_sql(ds: Dataset) -> str:
    """One row per load ($load_ids) of ds.raw_table, aggregated in DuckDB over the typed
    columns the contract wrote: what the raw suite validates. Never a row of data leaves
    DuckDB, so the gate costs one scan whatever the size of the loads."""
    typed = {f.name: ds.typed_column(f.name) for f in ds.fields}
    measures = ["count(*) AS raw_rows"]
    for f in ds.fields:
        column = f'"{typed[f.name] or f.name}"'
        if f.required:
            measures.append(f'count(*) FILTER (WHERE {column} IS NULL) AS "{f.name}__missing"')
        if f.kind == "number" and (f.min is not None or f.max is not None):
            measures += [f'min({column}) AS "{f.name}__min"', f'max({column}) AS "{f.name}__max"']
        if f.kind == "year":
            measures += [f'min({column}) AS "{f.name}__min"', f'max({column}) AS "{f.name}__max"']
    key = ", ".join(f'"{typed[k] or k}"' for k in ds.natural_key)
    if key:
        measures.append(f"count(*) - count(DISTINCT ({key})) AS duplicate_keys")
    regions = "NULL::BIGINT"
    if ds.regions and (pair := _year_and_region(ds)):
        year, region = (typed[n] for n in pair)
        regions = (f'(SELECT min(n) FROM (SELECT count(DISTINCT "{region}") AS n FROM {ds.raw_table} AS r '
                   f'WHERE r._load_id = raw._load_id GROUP BY "{year}"))')
    warned = ", ".join(f"'{r}'" for r in ds.warn_rules) or "NULL"
    revisions, revision_columns = _revisions_sql(ds), ""
    if revisions:
        revision_columns = (", rv.revision_figures_factor, rv.revision_items_dropped, "
                            f"rv.revision_amount_factor, rv.{REVISION_FIGURES}")
        revisions = f"{revisions},"
    return f"""
        WITH {revisions} raw AS (
            SELECT _load_id, {', '.join(measures)} FROM {ds.raw_table}
            WHERE _load_id IN (SELECT unnest($load_ids::VARCHAR[])) GROUP BY _load_id
        ),
        vintages AS (
            SELECT load_id, lag(rows_received) OVER (
                PARTITION BY source ORDER BY fetched_at, load_id) AS previous_vintage_rows
            FROM ({landed_loads_sql(ds.id)})
        ),
        quarantine AS (
            SELECT load_id, count(*) FILTER (WHERE rule IN ({warned})) AS warned
            FROM raw.quarantine WHERE load_id IN (SELECT unnest($load_ids::VARCHAR[])) GROUP BY load_id
        )
        SELECT log.load_id, log.rows_received, log.rows_landed, log.rows_quarantined,
               log.cells_received, log.cells_landed, log.cells_quarantined,
               coalesce(q.warned, 0) / greatest(log.cells_received / {len(ds.fields)}, 1)
                   AS warn_quarantine_share,
               coalesce(raw.raw_rows, 0) AS raw_rows, raw.* EXCLUDE (_load_id, raw_rows),
               {regions} AS {REGIONS_REPORTING}, v.previous_vintage_rows,
               log.rows_received / v.previous_vintage_rows AS rows_share_of_previous_vintage
               {revision_columns}
        FROM raw.load_log AS log
        LEFT JOIN vintages AS v ON v.load_id = log.load_id
        {"LEFT JOIN revisions AS rv ON rv.load_id = log.load_id" if revision_columns else ""}
        LEFT JOIN raw ON raw._load_id = log.load_id
        LEFT JOIN quarantine AS q ON q.load_id = log.load_id
        WHERE log.load_id IN (SELECT unnest($load_ids::VARCHAR[]))
        ORDER BY log.load_id"""


def _revisions_sql(ds: Dataset) -> str:
    """CTEs ending in `revisions`: for each load ($load_ids) that replaces an earlier report of
    the same key (ds.revision_bounds; the one that arrived last before it), how it changes it:
    figures new / old (or old / new, the larger), items the old report had and the new lacks,
    the largest factor by which an item's total moved, and both versions' figures as text."""
    bounds = ds.revision_bounds
    if not bounds:
        return ""

    def typed(name: str) -> str:
        column = ds.typed_column(name)
        return f'"{column}"' if column else f'upper(trim("{name}"))'

    keys = [typed(k) for k in bounds["key"]]
    key_list = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))
    same = " AND ".join(f"a.k{i} IS NOT DISTINCT FROM n.k{i}" for i in range(len(keys)))
    shown_key = " || ' ' || ".join(f"CAST(n.k{i} AS VARCHAR)" for i in range(len(keys)))
    item, amount = typed(bounds["item"]), typed(bounds["amount"])
    unit = ds.field(bounds["amount"]).unit or ""

    def factor(a: str, b: str) -> str:
        return (f"CASE WHEN {a} = {b} THEN 1.0 WHEN least({a}, {b}) > 0 THEN greatest({a} / {b}, {b} / {a}) "
                f"ELSE 'inf'::DOUBLE END")

    return f"""
        reports AS (
            SELECT _load_id AS load_id, {key_list}, min(_fetched_at) AS fetched_at, count(*) AS figures
            FROM {ds.raw_table} GROUP BY ALL
        ),
        replacing AS (
            SELECT * FROM (
                SELECT *, lag(load_id) OVER w AS previous_load_id, lag(figures) OVER w AS previous_figures
                FROM reports WINDOW w AS (PARTITION BY {', '.join(f'k{i}' for i in range(len(keys)))}
                                          ORDER BY fetched_at, load_id))
            WHERE load_id IN (SELECT unnest($load_ids::VARCHAR[])) AND previous_load_id IS NOT NULL
        ),
        amounts AS (
            SELECT _load_id AS load_id, {key_list}, {item} AS item, sum({amount}) AS amount
            FROM {ds.raw_table}
            WHERE _load_id IN (SELECT load_id FROM replacing UNION ALL SELECT previous_load_id FROM replacing)
            GROUP BY ALL
        ),
        items AS (
            SELECT n.load_id, {shown_key} AS report, n.previous_load_id, n.figures, n.previous_figures,
                   a.item, sum(a.amount) FILTER (WHERE a.load_id = n.previous_load_id) AS before,
                   sum(a.amount) FILTER (WHERE a.load_id = n.load_id) AS after
            FROM replacing AS n JOIN amounts AS a ON {same} AND a.load_id IN (n.load_id, n.previous_load_id)
            GROUP BY ALL
        ),
        revisions AS (
            SELECT load_id,
                   max({factor("figures", "previous_figures")}) AS revision_figures_factor,
                   count(*) FILTER (WHERE before IS NOT NULL AND after IS NULL) AS revision_items_dropped,
                   -- an item added is listed, not held (a figure left out before); one dropped is
                   -- counted on its own
                   max({factor("before", "after")}) FILTER (WHERE before IS NOT NULL AND after IS NOT NULL)
                       AS revision_amount_factor,
                   string_agg(DISTINCT report || ' (replaces ' || previous_load_id || '): figures '
                              || previous_figures || ' → ' || figures, '; ') || ': ' ||
                   array_to_string(list(item || ' ' || coalesce(CAST(round(before, 6) AS VARCHAR), 'none')
                                        || ' → ' || coalesce(CAST(round(after, 6) AS VARCHAR), 'dropped')
                                        ORDER BY {factor("coalesce(before, 0)", "coalesce(after, 0)")} DESC,
                                                 item)[:{REVISION_ITEMS_SHOWN}], ', ') || ' {unit}'
                       AS {REVISION_FIGURES}
            FROM items GROUP BY load_id
        )"""


def raw_suite(ds: Dataset) -> gx.ExpectationSuite:
    """Expectations on the profile of raw loads (raw_profile_sql: one row per load), built
    from the catalog contract: some row landed, the load's accounting holds (received = landed + quarantined,
    for rows and cells, and raw holds exactly the rows landed), required fields typed, numbers
    and years in range, the natural key unique, the share of cells lost to warn_rules under
    its limit; every county reporting in every year warns. The rows the contract quarantined
    are reported beside, by rule (orchestration/assets/raw.py)."""
    warning = FailureSeverity.WARNING
    expectations: list[gxe.Expectation] = [
        gxe.ExpectColumnValuesToBeBetween(column="rows_landed", min_value=1,
                                          meta={"notes": "a load of which no row landed"}),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="raw_rows", column_B="rows_landed",
            meta={"notes": "raw holds exactly the rows the load log says landed"}),
    ]
    for unit in ("rows", "cells"):
        expectations.append(gxe.ExpectColumnPairValuesToBeEqual(
            column_A=f"{unit}_received", column_B=f"{unit}_landed_plus_quarantined",
            meta={"notes": f"{unit} received = landed + quarantined"}))
    for f in ds.fields:
        if f.required:
            expectations.append(gxe.ExpectColumnValuesToBeBetween(
                column=f"{f.name}__missing", min_value=0, max_value=0,
                meta={"notes": f"required field {f.name} has no typed value"}))
        if f.kind == "number" and (f.min is not None or f.max is not None):
            _, scale = typed_unit(f)  # the bounds are declared in the heading's unit
            low, high = (None if b is None else b * scale for b in (f.min, f.max))
            for end in ("min", "max"):
                expectations.append(gxe.ExpectColumnValuesToBeBetween(
                    column=f"{f.name}__{end}", min_value=low, max_value=high,
                    meta={"notes": f"{end} of the typed values, in {unit or 'the field unit'}"}))
        if f.kind == "year":
            for end in ("min", "max"):
                expectations.append(gxe.ExpectColumnValuesToBeBetween(
                    column=f"{f.name}__{end}", min_value=1949, max_value=date.today().year))
    expectations.append(gxe.ExpectColumnValuesToBeBetween(
        column="rows_share_of_previous_vintage", min_value=MIN_REVISION_ROWS_SHARE,
        meta={"notes": f"a new vintage of a file with under {MIN_REVISION_ROWS_SHARE:.0%} of the "
                       "previous vintage's rows: held for review (python -m orchestration "
                       "accept-load <load_id> if the shorter file is right)"}))
    if bounds := ds.revision_bounds:
        review = ("held for review (python -m orchestration accept-load <load_id> --reason … if the "
                  "correction is right)")
        expectations += [
            gxe.ExpectColumnValuesToBeBetween(
                column="revision_figures_factor", max_value=bounds["max_figures_factor"],
                meta={"notes": f"a report replacing another with over {bounds['max_figures_factor']}× "
                               f"(or under 1/{bounds['max_figures_factor']}) its figures: {review}"}),
            gxe.ExpectColumnValuesToBeBetween(
                column="revision_items_dropped", max_value=0,
                meta={"notes": f"a report dropping a {bounds['item']} the report it replaces had: {review}"}),
            gxe.ExpectColumnValuesToBeBetween(
                column="revision_amount_factor", max_value=bounds["max_amount_factor"],
                meta={"notes": f"a report moving a {bounds['item']}'s {bounds['amount']} over "
                               f"{bounds['max_amount_factor']}× up or down: {review}"}),
        ]
    if ds.natural_key:
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column="duplicate_keys", min_value=0, max_value=0,
            meta={"notes": f"natural key {'/'.join(ds.natural_key)} unique in each load"}))
    if ds.warn_rules:
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column="warn_quarantine_share", max_value=MAX_WARN_QUARANTINE_SHARE,
            meta={"notes": f"rows' worth of cells quarantined by warn_rules {list(ds.warn_rules)}"}))
    if ds.regions and _year_and_region(ds):
        # Completeness: every county/district the dataset covers reports in every year. A gap
        # warns but does not stop the run: the city figure is withheld for that year.
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column=REGIONS_REPORTING, min_value=len(ds.regions), severity=warning,
            meta={"notes": f"fewest regions reporting in a year of the load; expected {len(ds.regions)}"}))
    return gx.ExpectationSuite(name=f"raw__{ds.id}", expectations=expectations,
                               meta={"index_columns": PROFILE_INDEX})


def prepare_raw_profile(frame):
    """The sums the accounting expectations compare (pandas, on one row per load)."""
    out = frame.copy()
    out["rows_landed_plus_quarantined"] = out["rows_landed"] + out["rows_quarantined"]
    out["cells_landed_plus_quarantined"] = out["cells_landed"] + out["cells_quarantined"]
    return out
