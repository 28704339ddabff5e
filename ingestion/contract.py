"""The landing contract, one engine for every format: each dataset's fields (sources.yml) and
the rules (ingestion/rules.py) compiled to DuckDB SQL and run set-based over a table of cells.

A CSV is read into that table by DuckDB's `read_csv` (many files of a feed in one statement);
an XLSX report, a paged JSON API or an NBS easyquery is parsed once (ingestion/parsers.py) and
handed over as Arrow. The same SQL then, in one pass, keeps every cell as received, writes the
typed value beside it (`<field>__value`, `<field>__code`: numbers in the field's unit, years,
times, region codes), and sorts what breaks a rule into raw.quarantine: whole rows where a key,
region, year or required value is bad, single cells of a dataset's `cell_fields`.

The table of cells, `landing_cells`: _load_id, line (the row's place in its file: CSV line,
sheet row or JSON record), ragged (why the row cannot be read against the headings, or NULL),
record (a ragged row as received, JSON), c0 … cN (cells under the headings, text).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from functools import cache

import duckdb
import pyarrow as pa

from .catalog import (
    PERMIT_REGISTER_ROLES,
    SEEDS_DIR,
    Dataset,
    Field,
    code_aliases,
    load_catalog,
    region_aliases,
    typed_unit,
)
from .indicators import parts_of_wholes
from .parsers import LoadError, ParsedTable
from .rules import (
    DATE_FORMATS,
    DATETIME_PATTERN,
    FIRST_YEAR,
    MAGNITUDES,
    MAX_NUMBER_CHARS,
    MISSING_MARKERS,
    NOT_A_UNIT_PATTERN,
    NUMBER_PATTERN,
    PERMIT_LIMIT_MULTIPLE,
    PLAIN_NUMBER_PATTERN,
    YEAR_PATTERN,
    lit,
    normalize_name,
    normalized_sql,
)

DATETIME_FORMATS = ["%Y-%m-%d%H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d%H:%M:%S", "%Y-%m-%dT%H:%M:%S"]


def rule_severity(ds: Dataset, rule: str) -> str:
    """GX severity names, so quarantine findings and suite findings read alike."""
    return "warning" if rule in ds.warn_rules else "critical"


@cache
def _conversions() -> dict[tuple[str, str], float]:
    with open(SEEDS_DIR / "unit_conversions.csv", encoding="utf-8", newline="") as fh:
        return {(r["from_unit"], r["to_unit"]): float(r["factor"]) for r in csv.DictReader(fh)}


def unit_factors(f: Field) -> dict[str, float]:
    """Suffix a cell may carry → factor into the typed column's unit (typed_unit): none (the
    heading's unit), the unit itself, units the unit_conversions seed converts to the same
    base, and 万/亿 in front of any of these ('3吨' in a 万吨 field is 3 t; '12万' in a 个
    field is 120000 个). A bare 万/亿 in a field whose unit already starts with one ('12万'
    under 万吨) is ambiguous, 12 万吨 or 12万 万吨: no factor, so the cell is a unit_mismatch."""
    scale = typed_unit(f)[1]
    return {suffix: factor * scale for suffix, factor in _declared_unit_factors(f).items()}


def _declared_unit_factors(f: Field) -> dict[str, float]:
    factors = {"": 1.0}
    if f.unit:
        unit = normalize_name(f.unit)
        factors[unit] = 1.0
        conversions = _conversions()
        for (source, base), to_base in conversions.items():
            if source == f.unit:
                factors.setdefault(normalize_name(base), 1 / to_base)
                for (other, other_base), other_to_base in conversions.items():
                    if other_base == base:
                        factors.setdefault(normalize_name(other), other_to_base / to_base)
    for prefix, magnitude in MAGNITUDES.items():
        for suffix, factor in list(factors.items()):
            factors.setdefault(prefix + suffix, magnitude * factor)
    if f.unit and f.unit[0] in MAGNITUDES:
        for prefix in MAGNITUDES:
            factors.pop(prefix, None)
    return factors


def _factor_sql(f: Field, suffix: str) -> str:
    cases = " ".join(f"WHEN {lit(s)} THEN {factor!r}" for s, factor in unit_factors(f).items())
    return f"CASE {suffix} {cases} END"


def _region_sql(n: str) -> str:
    return _alias_sql(n, region_aliases())


def _alias_sql(n: str, aliases: dict[str, str]) -> str:
    cases = " ".join(f"WHEN {lit(alias)} THEN {lit(code)}" for alias, code in aliases.items())
    return f"CASE {n} {cases} END"


def _checked(ds: Dataset, f: Field) -> bool:
    """Whether any rule reads the field (an optional free-text field, e.g. a remark, is kept
    as received and never parsed)."""
    return f.kind != "text" or f.required or f.name in ds.natural_key


def parsed(ds: Dataset, col: dict[str, str], relation: str) -> str:
    """SELECT every column of `relation` and, per field present: n_<f> normalised text, m_<f>
    missing marker, t_<f> the typed value (NULL when missing or unreadable), and for numbers
    d_<f> (digits found), s_<f> the suffix and k_<f> its factor (NULL: not a unit the field
    accepts). In stages, one per level: DuckDB would repeat an alias's expression at each use
    within one SELECT."""
    markers = ", ".join(lit(m) for m in sorted(MISSING_MARKERS))
    stages: list[list[str]] = [[], [], [], [], []]
    for f in ds.fields:
        if f.name not in col or not _checked(ds, f):
            continue
        n, c = f"n_{f.name}", col[f.name]
        if f.kind == "number":
            # most cells are plain digits (62, 0.76): read by a cast, no further parsing
            plain = f"plain_{f.name}"
            stages[0].append(f"coalesce(regexp_full_match({c}, {lit(PLAIN_NUMBER_PATTERN)}) "
                             f"AND length({c}) <= {MAX_NUMBER_CHARS}, false) AS {plain}")
            stages[1].append(f"CASE WHEN {plain} THEN {c} ELSE {normalized_sql(c)} END AS {n}")
            stages[2] += [f"NOT {plain} AND coalesce({n} IN ({markers}), true) AS m_{f.name}",
                          f"CASE WHEN NOT {plain} THEN regexp_extract({n}, {lit(NUMBER_PATTERN)}, "
                          f"['sign', 'digits', 'suffix']) END AS x_{f.name}"]
            stages[3] += [f"coalesce(x_{f.name}.suffix, '') AS s_{f.name}",
                          f"{plain} OR x_{f.name}.digits <> '' AS d_{f.name}",
                          f"CASE WHEN {plain} THEN {typed_unit(f)[1]!r} "
                          f"ELSE {_factor_sql(f, f'x_{f.name}.suffix')} END AS k_{f.name}"]
            stages[4].append(f"CASE WHEN {plain} THEN CAST({c} AS DOUBLE) * k_{f.name} "
                             f"WHEN NOT m_{f.name} THEN TRY_CAST(replace(x_{f.name}.digits, ',', '') "
                             f"AS DOUBLE) * (CASE x_{f.name}.sign WHEN '-' THEN -1 ELSE 1 END) * k_{f.name} "
                             f"END AS t_{f.name}")
            continue
        stages[1].append(f"{normalized_sql(c)} AS {n}")
        stages[2].append(f"coalesce({n} IN ({markers}), true) AS m_{f.name}")
        if f.kind == "year":
            year = f"TRY_CAST(regexp_extract({n}, {lit(YEAR_PATTERN)}, 1) AS INTEGER)"
            stages[3].append(f"CASE WHEN {year} BETWEEN {FIRST_YEAR} AND {date.today().year} THEN {year} END "
                             f"AS t_{f.name}")
        elif f.kind == "datetime":
            formats = "[" + ", ".join(lit(x) for x in DATETIME_FORMATS) + "]"
            stages[2].append(f"CASE WHEN regexp_full_match({n}, {lit(DATETIME_PATTERN.strip('^$'))}) "
                             f"THEN try_strptime({n}, {formats}) END AS t_{f.name}")
        elif f.kind == "date":
            formats = "[" + ", ".join(lit(x) for x in DATE_FORMATS) + "]"
            stages[2].append(f"CAST(try_strptime({n}, {formats}) AS DATE) AS t_{f.name}")
        elif f.kind == "region":
            stages[2].append(f"{_region_sql(n)} AS t_{f.name}")
        elif f.kind == "code":
            stages[2].append(f"{_alias_sql(n, code_aliases(f.codes))} AS t_{f.name}")
    sql = relation
    for stage in stages:
        if stage:
            sql = f"(SELECT *, {', '.join(stage)} FROM {sql})"
    return f"SELECT * FROM {sql}"


def _shown(f: Field, text: str) -> str:
    """SQL text: the cell as a message quotes it, heading = 'cell'."""
    return f"{lit(f.header + ' = ')} || '''' || {text} || ''''"


def _field_problem(ds: Dataset, f: Field, text: str) -> str:
    """One SQL struct {rule, field, message} for the first rule the field's cell breaks, or NULL."""
    present = f"NOT m_{f.name}"
    shown = _shown(f, text)

    def problem(rule: str, message: str) -> str:
        return f"{{'rule': {lit(rule)}, 'field': {lit(f.name)}, 'message': {shown} || {lit(message)}}}"

    whens = []
    if f.required:
        whens.append(f"WHEN m_{f.name} THEN {{'rule': 'required_missing', 'field': {lit(f.name)}, "
                     f"'message': {lit(f.header + ' is empty or a missing marker')}}}")
    if f.kind == "number":
        t = f"t_{f.name}"
        too_long = problem("not_a_number", f" is not a number (over {MAX_NUMBER_CHARS} characters)")
        whens.append(f"WHEN {present} AND length(n_{f.name}) > {MAX_NUMBER_CHARS} THEN {too_long}")
        whens.append(f"WHEN {present} AND NOT d_{f.name} THEN {problem('not_a_number', ' is not a number')}")
        whens.append(f"WHEN {present} AND k_{f.name} IS NULL AND regexp_matches(s_{f.name}, "
                     f"{lit(NOT_A_UNIT_PATTERN)}) THEN {problem('not_a_number', ' is not a number')}")
        unit = f"the contract says {f.unit}" if f.unit else "the contract has no unit"
        whens.append(f"WHEN {present} AND k_{f.name} IS NULL THEN {{'rule': 'unit_mismatch', "
                     f"'field': {lit(f.name)}, 'message': {shown} || ' is in ' || s_{f.name} || "
                     f"{lit(', ' + unit)}}}")
        scale = typed_unit(f)[1]  # min and max are in the declared unit, t_ in the typed one
        if f.min is not None:
            below = problem("below_minimum", f" is below {f.min:g}")
            whens.append(f"WHEN {t} < {f.min * scale!r} THEN {below}")
        if f.max is not None:
            above = problem("above_maximum", f" is above {f.max:g}")
            whens.append(f"WHEN {t} > {f.max * scale!r} THEN {above}")
    elif f.kind == "year":
        whens.append(f"WHEN {present} AND t_{f.name} IS NULL THEN "
                     f"{problem('invalid_year', f' is not a year from {FIRST_YEAR} to this year')}")
    elif f.kind == "datetime":
        whens.append(f"WHEN {present} AND t_{f.name} IS NULL THEN "
                     f"{problem('invalid_datetime', ' is not a time like 2025-01-31 14:00')}")
    elif f.kind == "date":
        whens.append(f"WHEN {present} AND t_{f.name} IS NULL THEN "
                     f"{problem('invalid_date', ' is not a date like 2025-03-15 (or 2025年3月15日)')}")
    elif f.kind == "code":
        unknown = problem("unknown_code", f" is not in the code list; add it to dbt_project/seeds/"
                                          f"{f.codes}.csv if it is a real name for a listed code")
        whens.append(f"WHEN {present} AND t_{f.name} IS NULL THEN {unknown}")
    elif f.kind == "region":
        unknown = problem("unknown_region", " is not a known region name; add it to "
                          "dbt_project/seeds/region_aliases.csv if it is a real alias")
        whens.append(f"WHEN {present} AND t_{f.name} IS NULL THEN {unknown}")
        if ds.regions:
            # a total row (全市) in a county file would be counted twice once counties are summed
            reported = ", ".join(lit(r) for r in ds.regions)
            note = (f", a region this dataset does not report (it reports {', '.join(ds.regions)}): "
                    "a total or zone row? City figures are summed from the counties; if the source "
                    "does report it, list it under the dataset's regions in sources.yml")
            whens.append(f"WHEN {present} AND t_{f.name} NOT IN ({reported}) THEN {{'rule': "
                         f"'region_not_reported', 'field': {lit(f.name)}, 'message': {shown} || ' is ' "
                         f"|| t_{f.name} || {lit(note)}}}")
    return f"CASE {' '.join(whens)} END" if whens else "NULL"


def _problems(ds: Dataset, col: dict[str, str]) -> tuple[list[str], str, str]:
    """The problem columns p_<f> (a struct {rule, field, message} or NULL), and SQL lists over
    them: (the columns, those that quarantine the row, those that quarantine a cell)."""
    columns: list[str] = []
    row: list[str] = []
    cell: list[str] = []
    for f in ds.fields:
        if f.name in col and _checked(ds, f):
            columns.append(f"{_field_problem(ds, f, col[f.name])} AS p_{f.name}")
            (cell if f.name in ds.cell_fields else row).append(f"p_{f.name}")
    for i, rule in enumerate(parts_of_wholes().get(ds.id, ())):
        if not all(n in col for n in rule.parts + rule.wholes):
            continue

        def total(names: tuple[str, ...]) -> tuple[str, str]:
            """(SQL sum of the typed values, SQL text 'header = 'cell' + …' for the message)"""
            shown = " || ' + ' || ".join(
                f"{lit(ds.field(n).header + ' = ')} || '''' || {col[n]} || ''''" for n in names)
            return " + ".join(f"t_{n}" for n in names), shown

        (part, part_shown), (whole, whole_shown) = total(rule.parts), total(rule.wholes)
        # a relative margin: typed values are scaled doubles (万吨 → t), equal totals may differ
        # in the last bit
        columns.append(
            f"CASE WHEN {part} > ({whole}) * (1 + 1e-12) THEN {{'rule': 'part_exceeds_whole', "
            f"'field': {lit(rule.parts[0])}, 'message': {part_shown} || "
            f"{lit(' is more than ')} || {whole_shown} || "
            f"{lit(f' (the numerator and denominator of {rule.indicator})')}}} END AS q_{i}")
        row.append(f"q_{i}")

    if ds.permit_register and all(ds.permit_register[r] in col for r in PERMIT_REGISTER_ROLES):
        columns += _register_problems(ds, col)
        row += ["r_enterprise", "r_limit"]

    def as_list(items: list[str]) -> str:
        if not items:
            return "[]::STRUCT(rule VARCHAR, field VARCHAR, message VARCHAR)[]"
        # most rows break no rule: build the list only for those that break one
        broken = " OR ".join(f"{i} IS NOT NULL" for i in items)
        return f"CASE WHEN {broken} THEN list_filter([{', '.join(items)}], p -> p IS NOT NULL) ELSE [] END"

    return columns, as_list(row), as_list(cell)


REGISTER_TABLE = "landing_permits"


def _register_problems(ds: Dataset, col: dict[str, str]) -> list[str]:
    """Rules against the permit register (ds.permit_register, in the temp table REGISTER_TABLE):
    r_enterprise (unknown_enterprise, before_permit) and r_limit (above_permit_limit)."""
    assert ds.permit_register is not None
    e, y, p, q = (ds.field(ds.permit_register[r]) for r in PERMIT_REGISTER_ROLES)
    register = ds.permit_register["dataset"]

    def shown(f: Field) -> str:
        return _shown(f, col[f.name])

    in_force = (f"FROM {REGISTER_TABLE} AS r WHERE r.credit_code = n_{e.name} AND r.pollutant = t_{p.name} "
                f"AND year(r.valid_from) <= t_{y.name} AND t_{y.name} <= year(r.valid_to)")
    permitted = f"(SELECT max(r.permitted_t) {in_force})"
    first = f"(SELECT min(r.valid_from) FROM {REGISTER_TABLE} AS r WHERE r.credit_code = n_{e.name})"
    enterprise = (
        f"CASE WHEN NOT m_{e.name} AND n_{e.name} NOT IN (SELECT credit_code FROM {REGISTER_TABLE}) "
        f"THEN {{'rule': 'unknown_enterprise', 'field': {lit(e.name)}, 'message': {shown(e)} || "
        f"{lit(f' is not in the permit register ({register}): a wrong code, or a permit not yet landed')}}} "
        f"WHEN t_{y.name} < year({first}) THEN {{'rule': 'before_permit', 'field': {lit(y.name)}, "
        f"'message': {shown(y)} || ' is before the enterprise''s first permit (in force from ' || "
        f"CAST({first} AS VARCHAR) || ')'}} END AS r_enterprise")
    limit = (
        f"CASE WHEN t_{q.name} > {PERMIT_LIMIT_MULTIPLE} * {permitted} THEN {{'rule': 'above_permit_limit', "
        f"'field': {lit(q.name)}, 'message': {shown(q)} || "
        f"{lit(f' is more than {PERMIT_LIMIT_MULTIPLE}× the ')} "
        f"|| CAST({permitted} AS VARCHAR) || ' t a year the permit in force in ' || t_{y.name} || "
        f"' allows for ' || t_{p.name} || ' (a unit slip?)'}} END AS r_limit")
    return [enterprise, limit]


def register_table(con: duckdb.DuckDBPyConnection, ds: Dataset) -> None:
    """The permit register as the report rules read it: each permit row's latest vintage, typed."""
    assert ds.permit_register is not None
    register = load_catalog()[ds.permit_register["dataset"]]
    key = ", ".join(f'"{register.typed_column(k) or k}"' for k in register.natural_key)
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {REGISTER_TABLE} AS
            SELECT {normalized_sql('credit_code')} AS credit_code, pollutant__code AS pollutant,
                   valid_from__value AS valid_from, valid_to__value AS valid_to,
                   permitted_t__value AS permitted_t
            FROM {register.raw_table}
            QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _fetched_at DESC, _load_id DESC) = 1""")
    except duckdb.CatalogException as exc:
        raise LoadError(f"{ds.id}: its reports are checked against the permit register "
                        f"{register.id}, which has not been landed yet: land it first") from exc


def _key_part(ds: Dataset, name: str) -> str:
    """A natural-key component as typed (巴州 and 巴州区 are one key; 2024 and 2024年 too)."""
    return f"CAST(t_{name} AS VARCHAR)" if ds.field(name).kind != "text" else f"n_{name}"


def land_cells(con: duckdb.DuckDBPyConnection, ds: Dataset, headers: list[str], position: str,
               into: str) -> None:
    """Sort `landing_cells` into the table `into` (ds.raw_table, or a batch's rows on their
    way to Parquet files) and raw.quarantine, inside the caller's transaction.
    `landing_loads` (load_id, uri, sha, fetched_at) names each load's file; each load's rows
    received are added to `landing_received`."""
    positions = map_headers(ds, headers)
    col = {name: f"c{pos}" for name, pos in positions.items()}
    if ds.permit_register:
        register_table(con, ds)
    problem_columns, row_problems, cell_problems = _problems(ds, col)
    keys = [f"{_key_part(ds, k)} AS key_{i}" for i, k in enumerate(ds.natural_key) if k in col] \
        or ["NULL::VARCHAR AS key_0"]
    same_key = " AND ".join(f"checked.key_{i} IS NOT DISTINCT FROM dups.key_{i}" for i in range(len(keys)))
    typed_columns = [f"t_{n}" for n in col if ds.typed_column(n)]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE landing_checked AS
        WITH parsed AS (
            {parsed(ds, col, "(SELECT * FROM landing_cells WHERE ragged IS NULL)")}
        ),
        problems AS (
            SELECT *, {', '.join(problem_columns)} FROM parsed
        ),
        checked AS (
            SELECT _load_id, line, {', '.join(f"c{i}" for i in range(len(headers)))},
                   {', '.join(typed_columns + keys) or 'NULL AS none'},
                   {row_problems} AS row_problems, {cell_problems} AS cell_problems
            FROM problems
        ),
        -- a second row with the key of an earlier one (rare: found by aggregation, not a window)
        dups AS (
            SELECT _load_id, {', '.join(f"key_{i}" for i in range(len(keys)))}, min(line) AS first_line
            FROM checked WHERE len(row_problems) = 0 GROUP BY ALL HAVING count(*) > 1
        )
        SELECT checked.*, CASE WHEN len(row_problems) = 0 AND line <> dups.first_line
                               THEN dups.first_line END AS duplicate_of
        FROM checked LEFT JOIN dups ON checked._load_id = dups._load_id AND {same_key}""")
    extras = [i for i in range(len(headers)) if i not in positions.values()]
    extra = ("json_object(" + ", ".join(f"{lit(headers[i])}, c{i}" for i in extras) + ")"
             if extras else "NULL::VARCHAR")
    bad_cells = {f.name: f"list_contains(list_transform(cell_problems, p -> p.field), {lit(f.name)})"
                 for f in ds.fields if f.name in ds.cell_fields and f.name in col}
    typed = [f'{f"CASE WHEN NOT {bad_cells[n]} THEN t_{n} END" if n in bad_cells else f"t_{n}"} '
             f'AS "{ds.typed_column(n)}"' for n in col if ds.typed_column(n)]
    con.execute(f"""
        INSERT INTO {into} BY NAME
        SELECT {', '.join([f'{c} AS "{n}"' for n, c in col.items()] + typed)}, {extra} AS _extra,
               line AS _row_number, _load_id, loads.uri AS _source_uri, loads.sha AS _source_sha256,
               loads.fetched_at AS _fetched_at
        FROM landing_checked JOIN landing_loads AS loads ON loads.load_id = _load_id
        WHERE len(row_problems) = 0 AND duplicate_of IS NULL
        ORDER BY _load_id, line""")
    key_names = ",".join(ds.natural_key)
    record = "json_object(" + ", ".join(f"{lit(h)}, c{i}" for i, h in enumerate(headers)) + ")"
    where = f"{lit(ds.id + ': ')} || loads.uri || ': ' || {lit(position)} || ' ' || line || ': '"
    con.execute(f"""
        INSERT INTO raw.quarantine BY NAME
        WITH bad AS (
            -- a row broken as a whole lists its cells' problems too; a duplicate only the key
            SELECT *, CASE WHEN len(row_problems) > 0 THEN list_concat(row_problems, cell_problems)
                           ELSE [] END AS problems
            FROM landing_checked WHERE len(row_problems) > 0 OR duplicate_of IS NOT NULL
        )
        SELECT _load_id AS load_id, {lit(ds.id)} AS dataset_id, line AS row_number, 'row' AS scope,
               coalesce(problems[1].rule, 'duplicate_key') AS rule,
               coalesce(problems[1].field, {lit(key_names)}) AS field,
               {where} || CASE WHEN len(problems) > 0
                   THEN array_to_string(list_transform(problems, p -> p.field || ': ' || p.message), '; ')
                   ELSE {lit(f"{key_names}: same {'/'.join(ds.natural_key)} as {position} ")} || duplicate_of
               END AS message,
               {record} AS record
        FROM bad JOIN landing_loads AS loads ON loads.load_id = _load_id
        UNION ALL
        SELECT _load_id, {lit(ds.id)}, line, 'cell', p.rule, p.field, {where} || p.field || ': ' || p.message,
               {record}
        FROM (SELECT *, unnest(cell_problems) AS p FROM landing_checked
              WHERE len(row_problems) = 0 AND duplicate_of IS NULL AND len(cell_problems) > 0)
             JOIN landing_loads AS loads ON loads.load_id = _load_id
        UNION ALL
        SELECT _load_id, {lit(ds.id)}, line, 'row', 'ragged_row', NULL, {where} || ragged, record
        FROM landing_cells JOIN landing_loads AS loads ON loads.load_id = _load_id
        WHERE ragged IS NOT NULL""")
    con.execute("INSERT INTO landing_received SELECT _load_id, count(*) FROM landing_cells GROUP BY 1")
    con.execute("DROP TABLE landing_checked")
    con.execute(f"DROP TABLE IF EXISTS {REGISTER_TABLE}")


def load_counts(con: duckdb.DuckDBPyConnection, ds: Dataset) -> dict[str, tuple[int, ...]]:
    """Per load landed since `landing_received` was made: rows received, landed, quarantined;
    cells (the contract's fields in every row received) received, landed, quarantined."""
    fields = len(ds.fields)
    rows = con.execute("""
        WITH quarantined AS (
            SELECT load_id, count(DISTINCT row_number) FILTER (WHERE scope = 'row') AS row_rows,
                   count(*) FILTER (WHERE scope = 'cell') AS cells
            FROM raw.quarantine WHERE load_id IN (SELECT load_id FROM landing_received) GROUP BY 1)
        SELECT r.load_id, r.rows, coalesce(q.row_rows, 0), coalesce(q.cells, 0)
        FROM landing_received AS r LEFT JOIN quarantined AS q USING (load_id)""").fetchall()
    counts: dict[str, tuple[int, ...]] = {}
    for load_id, received, row_quarantined, cells_quarantined in rows:
        cells_out = row_quarantined * fields + cells_quarantined
        counts[load_id] = (received, received - row_quarantined, row_quarantined,
                           received * fields, received * fields - cells_out, cells_out)
    return counts


def map_headers(ds: Dataset, headers: list[str], uri: str = "") -> dict[str, int]:
    """Field name → column position. A missing required heading fails the whole file."""
    by_header = {normalize_name(h): i for i, h in enumerate(headers)}
    positions, missing = {}, []
    for f in ds.fields:
        pos = by_header.get(normalize_name(f.header))
        if pos is not None:
            positions[f.name] = pos
        elif f.required:
            missing.append(f"{f.header!r} (field {f.name})")
    if missing:
        raise LoadError(
            f"{ds.id}: {uri}: line 1: required column(s) missing: {', '.join(missing)}; "
            f"headings found: {headers}. A changed heading (often a changed unit) must be "
            "reviewed and the contract in sources.yml updated."
        )
    return positions


def cells_from_table(con: duckdb.DuckDBPyConnection, load_id: str, table: ParsedTable) -> None:
    """A parsed file (XLSX, JSON, a CSV DuckDB cannot map line for line) as `landing_cells`."""
    width = len(table.headers)
    columns: dict[str, list] = {"_load_id": [], "line": [], "ragged": [], "record": []}
    columns.update({f"c{i}": [] for i in range(width)})
    for line, cells in table.rows:
        ragged = len(cells) != width
        columns["_load_id"].append(load_id)
        columns["line"].append(line)
        columns["ragged"].append(f"{len(cells)} cells under {width} headings" if ragged else None)
        columns["record"].append(json.dumps(dict(zip(table.headers, cells, strict=False)), ensure_ascii=False,
                                            separators=(",", ":")) if ragged else None)
        for i in range(width):
            columns[f"c{i}"].append(None if ragged else cells[i])
    schema = pa.schema([("_load_id", pa.string()), ("line", pa.int32()), ("ragged", pa.string()),
                        ("record", pa.string())] + [(f"c{i}", pa.string()) for i in range(width)])
    con.register("landing_arrow", pa.table(columns, schema=schema))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE landing_cells AS SELECT * FROM landing_arrow")
    finally:
        con.unregister("landing_arrow")


def cells_from_csv(con: duckdb.DuckDBPyConnection, files: list[tuple[str, str, int]], width: int) -> set[str]:
    """UTF-8 CSVs with the same headings (load_id, path, lines in the file) as `landing_cells`,
    in one read_csv. DuckDB's strict reader rejects a row with more or fewer cells than
    headings (a ragged row, with its line). Returns the loads whose rows DuckDB cannot map to
    the file's lines (blank lines, quoted line breaks): they go through the parser instead."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    paths = "[" + ", ".join(lit(path) for _, path, _ in files) + "]"
    con.execute("DROP TABLE IF EXISTS landing_rejects; DROP TABLE IF EXISTS landing_scans")
    con.execute("CREATE OR REPLACE TEMP TABLE landing_files (load_id VARCHAR, path VARCHAR, lines INTEGER)")
    con.executemany("INSERT INTO landing_files VALUES (?, ?, ?)", [list(f) for f in files])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE landing_read AS
        -- a streaming window: numbers the rows in the order read, file by file
        SELECT row_number() OVER () AS ordinal, *
        FROM read_csv({paths}, columns = {columns}, header = false, skip = 1, filename = true,
                      auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true,
                      nullstr = {lit(_NULL)}, store_rejects = true, rejects_table = 'landing_rejects',
                      rejects_scan = 'landing_scans')""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE landing_rejected AS
        SELECT DISTINCT scans.file_path AS filename, CAST(rejects.line AS INTEGER) AS line,
               first(rejects.error_message ORDER BY column_idx) OVER w AS error_message,
               first(rejects.csv_line ORDER BY column_idx) OVER w AS csv_line
        FROM landing_rejects AS rejects
        JOIN landing_scans AS scans USING (scan_id, file_id)
        WINDOW w AS (PARTITION BY scans.file_path, rejects.line)""")
    unmapped = {r[0] for r in con.execute("""
        SELECT files.load_id FROM landing_files AS files
        LEFT JOIN (SELECT filename, count(*) AS n FROM landing_read GROUP BY 1) AS r
               ON r.filename = files.path
        LEFT JOIN (SELECT filename, count(*) AS n FROM landing_rejected GROUP BY 1) AS j
               ON j.filename = files.path
        WHERE coalesce(r.n, 0) + coalesce(j.n, 0) + 1 <> files.lines""").fetchall()}
    cells = ", ".join(f"c{i}" for i in range(width))
    nulls = ", ".join(f"NULL AS c{i}" for i in range(width))
    # a row's line: its place after the header, plus the rejected lines before it
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE landing_cells AS
        WITH numbered AS (
            SELECT *, ordinal - min(ordinal) OVER (PARTITION BY filename) + 1 AS in_file FROM landing_read
        ),
        gaps AS (
            SELECT filename, line - row_number() OVER (PARTITION BY filename ORDER BY line) AS after
            FROM landing_rejected
        )
        SELECT files.load_id AS _load_id,
               CAST(in_file + 1 + (SELECT count(*) FROM gaps WHERE gaps.filename = numbered.filename
                                                             AND gaps.after <= in_file) AS INTEGER) AS line,
               NULL::VARCHAR AS ragged, NULL::VARCHAR AS record, {cells}
        FROM numbered JOIN landing_files AS files ON files.path = numbered.filename
        WHERE files.load_id NOT IN (SELECT unnest($unmapped::VARCHAR[]))
        UNION ALL
        SELECT files.load_id, line, error_message, json_object('line', csv_line), {nulls}
        FROM landing_rejected JOIN landing_files AS files ON files.path = landing_rejected.filename
        WHERE files.load_id NOT IN (SELECT unnest($unmapped::VARCHAR[]))""", {"unmapped": sorted(unmapped)})
    con.execute("DROP TABLE landing_read; DROP TABLE landing_rejected; DROP TABLE landing_files; "
                "DROP TABLE landing_rejects; DROP TABLE landing_scans")
    return unmapped


_NULL = "\x1e"  # a byte no feed sends: empty cells stay '' (as received), never NULL
