"""Apply a dataset's schema contract to parsed rows: map headings to fields, sort rows into
those that land and those that go to quarantine, each with a rule and a message."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date

from .catalog import Dataset, region_aliases
from .parsers import LoadError, ParsedTable
from .rules import DATETIME_PATTERN, MISSING_MARKERS, normalize_name


def rule_severity(ds: Dataset, rule: str) -> str:
    """GX severity names, so quarantine findings and suite findings read alike."""
    return "warning" if rule in ds.warn_rules else "critical"


def is_missing(value: str | None) -> bool:
    return value is None or normalize_name(value) in MISSING_MARKERS


_DATETIME = re.compile(DATETIME_PATTERN)

_NUMBER_WITH_UNIT = re.compile(r"^(-?[0-9][0-9,]*(?:\.[0-9]+)?|-?\.[0-9]+)(.*)$")


def split_unit(value: str) -> tuple[str, str | None]:
    """'12.5万吨' → ('12.5', '万吨'); '12.5' → ('12.5', None). Full-width input allowed."""
    text = normalize_name(value)
    match = _NUMBER_WITH_UNIT.match(text)
    if not match or not match.group(2):
        return text, None
    return match.group(1), match.group(2)


def parse_number(value: str) -> float | None:
    """The number a cell holds (full-width digits and thousands separators allowed), or None."""
    text = normalize_name(value).replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Rejection:
    row_number: int
    rule: str
    field: str | None
    message: str
    record: str  # the row as received, JSON


@dataclass(frozen=True)
class ContractResult:
    landed: list[dict[str, str | int | None]]  # field → value as received, plus _row_number, _extra
    rejected: list[Rejection]

    @property
    def received(self) -> int:
        return len(self.landed) + len(self.rejected)


def map_headers(ds: Dataset, headers: list[str], uri: str) -> dict[str, int]:
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


def _check_row(ds: Dataset, values: dict[str, str | None]) -> list[tuple[str, str, str]]:
    """(rule, field, message) for every contract rule the row breaks."""
    problems = []
    aliases = region_aliases()
    numbers: dict[str, float] = {}
    for f in ds.fields:
        value = values.get(f.name)
        if is_missing(value):
            if f.required:
                problems.append(("required_missing", f.name, f"{f.header} is empty or a missing marker"))
            continue
        if f.kind == "number":
            number_text, unit = split_unit(value)
            if unit is not None and f.unit and normalize_name(unit) != normalize_name(f.unit):
                problems.append(("unit_mismatch", f.name,
                                 f"{f.header} = {value!r} is in {unit}, the contract says {f.unit}"))
                continue
            number = parse_number(number_text if unit is not None else value)
            if number is None:
                problems.append(("not_a_number", f.name, f"{f.header} = {value!r} is not a number"))
            elif f.min is not None and number < f.min:
                problems.append(("below_minimum", f.name, f"{f.header} = {value!r} is below {f.min:g}"))
            elif f.max is not None and number > f.max:
                problems.append(("above_maximum", f.name, f"{f.header} = {value!r} is above {f.max:g}"))
            else:
                numbers[f.name] = number
        elif f.kind == "year":
            number = parse_number(value)
            if number is None or number != int(number) or not 1949 <= number <= date.today().year:
                problems.append(("invalid_year", f.name,
                                 f"{f.header} = {value!r} is not a year from 1949 to this year"))
        elif f.kind == "datetime" and not _DATETIME.match(normalize_name(value)):
            problems.append(("invalid_datetime", f.name,
                             f"{f.header} = {value!r} is not a time like 2025-01-31 14:00"))
        elif f.kind == "region" and normalize_name(value) not in aliases:
            problems.append((
                "unknown_region", f.name,
                f"{f.header} = {value!r} is not a known region name; add it to "
                "dbt_project/seeds/region_aliases.csv if it is a real alias",
            ))
    for f in ds.fields:
        if f.not_above and f.name in numbers and f.not_above in numbers \
                and numbers[f.name] > numbers[f.not_above]:
            whole = ds.field(f.not_above)
            problems.append((
                "part_exceeds_whole", f.name,
                f"{f.header} = {values[f.name]!r} is more than {whole.header} = {values[whole.name]!r}",
            ))
    return problems


def _key_part(ds: Dataset, name: str, value: str | None) -> str:
    """Natural-key component: regions by code (巴州 and 巴州区 are one key), numbers by value."""
    text = normalize_name(value or "")
    kind = ds.field(name).kind
    if kind == "region":
        return region_aliases().get(text, text)
    if kind in {"year", "number"}:
        number = parse_number(text)
        return text if number is None else repr(number)
    return text


def _record(headers: list[str], cells: list) -> str:
    """A quarantined row as received, JSON (made only for rows that are quarantined)."""
    return json.dumps(dict(zip(headers, cells, strict=False)), ensure_ascii=False, separators=(",", ":"))


def apply_contract(ds: Dataset, table: ParsedTable, uri: str) -> ContractResult:
    positions = map_headers(ds, table.headers, uri)
    extra_cols = [i for i in range(len(table.headers)) if i not in positions.values()]
    landed: list[dict] = []
    rejected: list[Rejection] = []
    seen_keys: dict[tuple, int] = {}
    for row_number, cells in table.rows:
        if len(cells) != len(table.headers):
            rejected.append(Rejection(
                row_number, "ragged_row", None,
                f"{ds.id}: {uri}: {table.position} {row_number}: {len(cells)} cells under "
                f"{len(table.headers)} headings", _record(table.headers, cells),
            ))
            continue
        values = {name: cells[pos] for name, pos in positions.items()}
        problems = _check_row(ds, values)
        key = tuple(_key_part(ds, k, values.get(k)) for k in ds.natural_key)
        if not problems and key in seen_keys:
            problems.append((
                "duplicate_key", ",".join(ds.natural_key),
                f"same {'/'.join(ds.natural_key)} as {table.position} {seen_keys[key]}",
            ))
        if problems:
            rule, field_name, _ = problems[0]
            detail = "; ".join(f"{field}: {msg}" for _, field, msg in problems)
            rejected.append(Rejection(
                row_number, rule, field_name,
                f"{ds.id}: {uri}: {table.position} {row_number}: {detail}",
                _record(table.headers, cells),
            ))
            continue
        seen_keys[key] = row_number
        extras = {table.headers[i]: cells[i] for i in extra_cols}
        landed.append({
            **values,
            "_row_number": row_number,
            "_extra": json.dumps(extras, ensure_ascii=False, separators=(",", ":")) if extras else None,
        })
    return ContractResult(landed=landed, rejected=rejected)
