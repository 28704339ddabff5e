"""The landing contract's rules as SQL over a row of cells: what quarantines a whole row (a bad
key, region, year or required value; a rule of ingestion/rules.py; a report against the permit
register) and what quarantines a single cell of a dataset's cell_fields."""

from __future__ import annotations

import duckdb

from .catalog import (
    PERMIT_REGISTER_ROLES,
    Dataset,
    Field,
    load_catalog,
)
from .indicators import parts_of_wholes
from .parsed import LoadError
from .reference import typed_unit
from .rules import (
    FIRST_YEAR,
    MAX_NUMBER_CHARS,
    NOT_A_UNIT_PATTERN,
    PERMIT_LIMIT_MULTIPLE,
    lit,
    normalized_sql,
)


def checked_field(ds: Dataset, f: Field) -> bool:
    """Whether any rule reads the field (an optional free-text field, e.g. a remark, is kept
    as received and never parsed)."""
    return f.kind != "text" or f.required or f.name in ds.natural_key


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


def rule_problems(ds: Dataset, col: dict[str, str]) -> tuple[list[str], str, str]:
    """The problem columns p_<f> (a struct {rule, field, message} or NULL), and SQL lists over
    them: (the columns, those that quarantine the row, those that quarantine a cell)."""
    columns: list[str] = []
    row: list[str] = []
    cell: list[str] = []
    for f in ds.fields:
        if f.name in col and checked_field(ds, f):
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
