"""What the landing contracts share, in a leaf module (it imports nothing of the project): how
names are compared, the markers for "no figure", the row rules and their names, and what the
SQL contract can apply. The catalog validates sources.yml against it; contract.py (Python) and
contract_sql.py (DuckDB) apply it."""

from __future__ import annotations

import unicodedata


def normalize_name(text: str) -> str:
    """How names are compared: NFKC (full-width → half-width) and no white space.

    dbt's `normalize_name` macro does the same in SQL; tests keep the two in step.
    """
    if text.isascii():  # NFKC leaves ASCII as it is: skip it on the hot path of landing
        return "".join(text.split())
    return "".join(unicodedata.normalize("NFKC", text).split())


# Markers Chinese statistical tables use for "no figure" (see domain_research §4.2).
MISSING_MARKERS = frozenset(normalize_name(m) for m in ("", "-", "—", "–", "－", "…", "...", "/", "空"))

# Every rule a row can break, and what it means. A row breaking any of them goes to
# raw.quarantine under the rule's name; the batch then fails the gate, unless the dataset
# lists the rule in its warn_rules (sources.yml), when it only warns.
ROW_RULES = {
    "ragged_row": "the row has more or fewer cells than there are headings",
    "required_missing": "a required field is empty or a missing marker",
    "unit_mismatch": "a number carries a unit other than the contract's",
    "not_a_number": "a number field holds text",
    "below_minimum": "a number is below the field's minimum (e.g. a negative tonnage)",
    "above_maximum": "a number is above the field's maximum (e.g. a rate over 100)",
    "part_exceeds_whole": "a part is larger than its whole (numerator > denominator)",
    "invalid_year": "a year that is not a whole number between 1949 and this year",
    "invalid_datetime": "a time not written like 2025-01-31 14:00",
    "unknown_region": "a region name not in the region_aliases seed",
    "duplicate_key": "a second row with the same natural key in one file",
}

# A reading's time as monitoring exports write it, 2025-01-31 14:00 (seconds optional),
# matched after normalize_name (which drops the space); the GX suite uses the same pattern.
DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T?[0-9]{2}:[0-9]{2}(?::[0-9]{2})?$"

# Field kinds the SQL contract knows; region names need the alias seed and stay in Python.
SQL_KINDS = {"text", "number", "year", "datetime"}


def sql_landing_problems(file_format: str, encoding: str, kinds: dict[str, str]) -> list[str]:
    """Why `landing: duckdb` cannot serve a dataset (empty when it can); `kinds`: field → kind."""
    problems = []
    if file_format != "csv" or encoding.lower().replace("_", "-") not in {"utf-8", "utf8"}:
        problems.append("landing duckdb reads UTF-8 CSV only")
    problems += [f"field {name}: landing duckdb has no rule for kind {kind!r}"
                 for name, kind in kinds.items() if kind not in SQL_KINDS]
    return problems
