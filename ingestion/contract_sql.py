"""The schema contract of ingestion/contract.py compiled to DuckDB SQL, for feeds too big to
sort row by row in Python (the hourly monitoring feed: ~850k rows per month at province
scale). `landing: duckdb` in sources.yml selects it; the rules, their order, the quarantine
rows and the landed rows are the same as the Python contract's (tests/test_landing.py runs
both on the same files).

DuckDB's CSV reader does the parsing (strict: a row with more or fewer cells than headings is
rejected with its line number and becomes a `ragged_row`); every other rule is one SQL
expression per field. A file DuckDB cannot map line-for-line (blank lines, quoted line breaks)
goes to the Python contract instead, so row numbers always name the file's line.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb

from .catalog import Dataset
from .contract import map_headers
from .parsers import LoadError, decode
from .rules import DATETIME_PATTERN, MISSING_MARKERS

_NULL = "\x1e"  # a byte no feed sends: empty cells stay '' (as received), never NULL
_NUMBER_WITH_UNIT = r"^(-?[0-9][0-9,]*(?:\.[0-9]+)?|-?\.[0-9]+)(.*)$"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# the characters str.split() splits on (normalize_name removes them), as an RE2 class
_WHITE_SPACE = "[" + "".join(f"\\x{{{c:x}}}" for c in range(0x3001) if chr(c).isspace()) + "]"


def _norm(column: str) -> str:
    # normalize_name for what the feed sends: white space removed (NFKC is not in DuckDB;
    # full-width digits read as text, and the row is quarantined, not mis-read)
    return f"regexp_replace({column}, {_lit(_WHITE_SPACE)}, '', 'g')"


def _repr(column: str) -> str:
    return f"'''' || {column} || ''''"  # Python's repr() of a plain string, for messages


def _parsed(ds: Dataset, col: dict[str, str]) -> list[str]:
    """Per field, computed once: n_<f> (normalised text), m_<f> (a missing marker), and for
    numbers u_<f> (a unit written after the number) and x_<f> (the value, NULL if not one)."""
    markers = ", ".join(_lit(m) for m in sorted(MISSING_MARKERS | {"－", "…"}))
    out = []
    for f in ds.fields:
        if f.name not in col:
            continue
        n = _norm(col[f.name])
        out += [f"{n} AS n_{f.name}", f"{n} IN ({markers}) AS m_{f.name}"]
        if f.kind in {"number", "year"}:
            plain = f"TRY_CAST(replace({n}, ',', '') AS DOUBLE)"
            pattern = _lit(_NUMBER_WITH_UNIT)
            unit = f"CASE WHEN {plain} IS NULL THEN regexp_extract({n}, {pattern}, 2) ELSE '' END"
            split = f"TRY_CAST(replace(regexp_extract({n}, {pattern}, 1), ',', '') AS DOUBLE)"
            out += [f"{unit} AS u_{f.name}",
                    f"CASE WHEN isfinite(coalesce({plain}, {split})) THEN coalesce({plain}, {split}) END "
                    f"AS x_{f.name}"]
    return out


def _problems(ds: Dataset, col: dict[str, str]) -> str:
    """A SQL list of (rule, field, message) structs, in the Python contract's order, over the
    columns of _parsed()."""
    items = []
    for f in ds.fields:
        if f.name not in col:
            continue
        v, n, x, u = col[f.name], f"n_{f.name}", f"x_{f.name}", f"u_{f.name}"

        def problem(condition: str, rule: str, message: str, field: str = f.name) -> str:
            return (f"CASE WHEN {condition} THEN {{'rule': {_lit(rule)}, 'field': {_lit(field)}, "
                    f"'message': {message}}} END")

        if f.required:
            items.append(problem(f"m_{f.name}", "required_missing",
                                 _lit(f"{f.header} is empty or a missing marker")))
        present = f"NOT m_{f.name}"
        shown = f"{f.header} = ' || {_repr(v)} || '"
        if f.kind == "year":
            year = f"({x} = round({x}) AND {x} BETWEEN 1949 AND {date.today().year})"
            items.append(problem(f"{present} AND NOT coalesce({year}, false)", "invalid_year",
                                 f"'{shown} is not a year from 1949 to this year'"))
        elif f.kind == "number":
            passed = present
            if f.unit:
                unit_ok = f"({u} = '' OR {u} = {_lit(f.unit)})"
                items.append(problem(f"{present} AND NOT {unit_ok}", "unit_mismatch",
                                     f"'{shown} is in ' || {u} || ', the contract says {f.unit}'"))
                passed = f"{passed} AND {unit_ok}"
            checks = [(f"{x} IS NULL", "not_a_number", f"'{shown} is not a number'")]
            if f.min is not None:
                checks.append((f"{x} < {f.min}", "below_minimum", f"'{shown} is below {f.min:g}'"))
            if f.max is not None:
                checks.append((f"{x} > {f.max}", "above_maximum", f"'{shown} is above {f.max:g}'"))
            for condition, rule, message in checks:
                # one problem per field, as in Python: a check applies only if the ones before passed
                items.append(problem(f"{passed} AND {condition}", rule, message))
                passed = f"{passed} AND NOT coalesce({condition}, false)"
        elif f.kind == "datetime":
            items.append(problem(
                f"{present} AND NOT regexp_full_match({n}, {_lit(DATETIME_PATTERN.strip('^$'))})",
                "invalid_datetime",
                f"'{f.header} = ' || {_repr(v)} || ' is not a time like 2025-01-31 14:00'"))
    for f in ds.fields:
        numbers = {g.name for g in ds.fields if g.kind == "number" and g.name in col}
        if f.not_above and f.name in numbers and f.not_above in numbers:
            whole = ds.field(f.not_above)
            items.append(
                f"CASE WHEN x_{f.name} > x_{f.not_above} THEN {{'rule': 'part_exceeds_whole', "
                f"'field': {_lit(f.name)}, 'message': '{f.header} = ' || {_repr(col[f.name])} || "
                f"' is more than {whole.header} = ' || {_repr(col[whole.name])}}} END")
    if not items:
        return "[]"
    # most rows break no rule: build the list only for those that break one
    broken = " OR ".join(f"({i} IS NOT NULL)" for i in items)
    return f"CASE WHEN {broken} THEN list_filter([{', '.join(items)}], p -> p IS NOT NULL) ELSE [] END"


def _key_part(ds: Dataset, name: str) -> str:
    """The natural-key component as the Python contract compares it (numbers by value)."""
    if ds.field(name).kind in {"year", "number"}:
        return f"coalesce(CAST(x_{name} AS VARCHAR), n_{name})"
    return f"n_{name}"


def read_headers(data: bytes, ds: Dataset, uri: str) -> list[str]:
    first = data.split(b"\n", 1)[0]
    headers = next(csv.reader(io.StringIO(decode(first, ds.encoding, dataset_id=ds.id, uri=uri))), None)
    if not headers:
        raise LoadError(f"{ds.id}: {uri}: the file is empty (no header row)")
    return headers


def land_csv_sql(con: duckdb.DuckDBPyConnection, ds: Dataset, path: Path, data: bytes, uri: str,
                 constants: dict[str, object]) -> tuple[int, int, int] | None:
    """Sort one archived CSV into ds.raw_table and raw.quarantine inside the caller's
    transaction. Returns (received, landed, quarantined), or None when the file has blank
    lines or quoted line breaks (its rows would not map to lines: use the Python contract)."""
    decode(data, ds.encoding, dataset_id=ds.id, uri=uri)  # bad bytes fail the file, as in Python
    headers = read_headers(data, ds, uri)
    positions = map_headers(ds, headers, uri)
    con.execute("DROP TABLE IF EXISTS landing_rejects; DROP TABLE IF EXISTS landing_scans")
    cols = [f"c{i}" for i in range(len(headers))]
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE landing_cells AS
        -- a streaming window: numbers the rows in file order
        SELECT row_number() OVER () AS ordinal, *
        FROM read_csv({_lit(str(path))}, columns = {columns}, header = false, skip = 1,
                               auto_detect = false, delim = ',', quote = '"', escape = '"',
                               strict_mode = true, nullstr = {_lit(_NULL)}, store_rejects = true,
                               rejects_table = 'landing_rejects', rejects_scan = 'landing_scans')""")
    rows = con.execute("SELECT count(*) FROM landing_cells").fetchone()[0]
    rejects = con.execute("SELECT count(DISTINCT line) FROM landing_rejects").fetchone()[0]
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if rows + rejects + 1 != lines:
        return None
    col = {name: f"c{pos}" for name, pos in positions.items()}
    extras = [i for i in range(len(headers)) if i not in positions.values()]
    extra = ("json_object(" + ", ".join(f"{_lit(headers[i])}, c{i}" for i in extras) + ")"
             if extras else "NULL::VARCHAR")
    record = "json_object(" + ", ".join(f"{_lit(h)}, c{i}" for i, h in enumerate(headers)) + ")"
    key = ", ".join(_key_part(ds, k) for k in ds.natural_key) or "NULL"
    where = f"{ds.id}: {uri}: line "
    # the file's line of each row: its position after the header, plus the rejected lines
    # before it (rejects are one line each: the line count above says so)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE landing_rows AS
        WITH gaps AS (
            SELECT CAST(line AS INTEGER) - row_number() OVER (ORDER BY line) AS after_ordinal
            FROM (SELECT DISTINCT line FROM landing_rejects)
        ),
        parsed AS (
            SELECT *, {', '.join(_parsed(ds, col))} FROM landing_cells
        ),
        checked AS (
            SELECT *,
                   CAST(ordinal + 1 + (SELECT count(*) FROM gaps WHERE after_ordinal <= ordinal) AS INTEGER)
                       AS line,
                   {_problems(ds, col)} AS problems, [{key}] AS natural_key
            FROM parsed
        )
        SELECT *, CASE WHEN len(problems) = 0
                       THEN min(line) FILTER (WHERE len(problems) = 0) OVER (PARTITION BY natural_key)
                  END AS first_line
        FROM checked""")
    con.execute(f"""
        INSERT INTO {ds.raw_table} BY NAME
        SELECT {', '.join(f'{c} AS "{n}"' for n, c in col.items())}, {extra} AS _extra,
               line AS _row_number, $load_id AS _load_id, $uri AS _source_uri,
               $sha AS _source_sha256, $fetched_at AS _fetched_at
        FROM landing_rows WHERE len(problems) = 0 AND line = first_line
        ORDER BY line""", constants)
    key_names = ",".join(ds.natural_key)
    same_key = f"{key_names}: same {'/'.join(ds.natural_key)} as line "
    con.execute(f"""
        INSERT INTO raw.quarantine BY NAME
        SELECT $load_id AS load_id, {_lit(ds.id)} AS dataset_id, line AS row_number,
               coalesce(problems[1].rule, 'duplicate_key') AS rule,
               coalesce(problems[1].field, {_lit(key_names)}) AS field,
               {_lit(where)} || line || ': ' || CASE WHEN len(problems) > 0
                   THEN array_to_string(list_transform(problems, p -> p.field || ': ' || p.message), '; ')
                   ELSE {_lit(same_key)} || first_line
               END AS message,
               {record} AS record
        FROM landing_rows WHERE len(problems) > 0 OR line <> first_line
        UNION ALL
        SELECT $load_id, {_lit(ds.id)}, CAST(line AS INTEGER), 'ragged_row', NULL,
               {_lit(where)} || line || ': ' || error_message, json_object('line', csv_line)
        FROM landing_rejects QUALIFY row_number() OVER (PARTITION BY line ORDER BY column_idx) = 1
        """, {"load_id": constants["load_id"]})
    quarantined = con.execute("SELECT count(*) FROM raw.quarantine WHERE load_id = ?",
                              [constants["load_id"]]).fetchone()[0]
    con.execute("DROP TABLE landing_cells; DROP TABLE landing_rows; "
                "DROP TABLE landing_rejects; DROP TABLE landing_scans")
    return rows + rejects, rows + rejects - quarantined, quarantined


def prepared_batch_sql(ds: Dataset) -> str:
    """One load of ds.raw_table ($load_id) as the raw GX suite reads it, prepared here in SQL
    (expectations.prepare_raw_frame does it in Python for the other datasets): missing markers
    as NULL, text normalised, numbers parsed into <field>__number, key parts in <field>__key."""
    col = {f.name: f'"{f.name}"' for f in ds.fields}
    replaced = [f"CASE WHEN NOT m_{f.name} THEN n_{f.name} END AS \"{f.name}\"" for f in ds.fields]
    numbers = [f'x_{f.name} AS "{f.name}__number"' for f in ds.fields if f.kind in {"number", "year"}]
    keys = [f'CASE WHEN NOT m_{k} THEN n_{k} END AS "{k}__key"' for k in ds.natural_key]
    return f"""
        WITH parsed AS (
            SELECT *, {', '.join(_parsed(ds, col))} FROM {ds.raw_table} WHERE _load_id = $load_id
        )
        SELECT COLUMNS('^_'), {', '.join(replaced + numbers + keys)} FROM parsed"""
