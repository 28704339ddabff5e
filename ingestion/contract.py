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

from datetime import date

import duckdb

from .catalog import (
    Dataset,
    Field,
)
from .cells import map_headers
from .contract_rules import REGISTER_TABLE, checked_field, register_table, rule_problems
from .reference import code_aliases, region_aliases, typed_unit, unit_factors
from .rules import (
    DATE_FORMATS,
    DATETIME_PATTERN,
    FIRST_YEAR,
    MAX_NUMBER_CHARS,
    MISSING_MARKERS,
    NUMBER_PATTERN,
    PLAIN_NUMBER_PATTERN,
    YEAR_PATTERN,
    lit,
    normalized_sql,
)

DATETIME_FORMATS = ["%Y-%m-%d%H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d%H:%M:%S", "%Y-%m-%dT%H:%M:%S"]


def rule_severity(ds: Dataset, rule: str) -> str:
    """GX severity names, so quarantine findings and suite findings read alike."""
    return "warning" if rule in ds.warn_rules else "critical"


def _factor_sql(f: Field, suffix: str) -> str:
    cases = " ".join(f"WHEN {lit(s)} THEN {factor!r}" for s, factor in unit_factors(f).items())
    return f"CASE {suffix} {cases} END"


def _region_sql(n: str) -> str:
    return _alias_sql(n, region_aliases())


def _alias_sql(n: str, aliases: dict[str, str]) -> str:
    cases = " ".join(f"WHEN {lit(alias)} THEN {lit(code)}" for alias, code in aliases.items())
    return f"CASE {n} {cases} END"


def parsed(ds: Dataset, col: dict[str, str], relation: str) -> str:
    """SELECT every column of `relation` and, per field present: n_<f> normalised text, m_<f>
    missing marker, t_<f> the typed value (NULL when missing or unreadable), and for numbers
    d_<f> (digits found), s_<f> the suffix and k_<f> its factor (NULL: not a unit the field
    accepts). In stages, one per level: DuckDB would repeat an alias's expression at each use
    within one SELECT."""
    markers = ", ".join(lit(m) for m in sorted(MISSING_MARKERS))
    stages: list[list[str]] = [[], [], [], [], []]
    for f in ds.fields:
        if f.name not in col or not checked_field(ds, f):
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
    problem_columns, row_problems, cell_problems = rule_problems(ds, col)
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


