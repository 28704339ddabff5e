"""The landing contract's rules, declared once in a leaf module (it imports nothing of the
project): how cells are normalised, the number grammar, the markers for "no figure", the row
rules and their names. ingestion/contract.py compiles them, with each dataset's fields from
sources.yml, into DuckDB SQL: the one engine that types and checks every cell of every format."""

from __future__ import annotations

# Full-width ASCII (０-９, Ａ-Ｚ, ．，－（）…) reads as ASCII, U+2212 MINUS SIGN as '-', and
# Arabic-Indic and Extended Arabic-Indic digits (٠-٩, ۰-۹) with the Arabic decimal and
# thousands separators (٫ ٬) as 0-9 . , (what a spreadsheet set to an Arabic locale writes).
FULL_WIDTH = ("".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u2212"
              + "".join(chr(c) for c in range(0x660, 0x66A)) + "\u066b\u066c"
              + "".join(chr(c) for c in range(0x6F0, 0x6FA)))
HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + "-" + "0123456789.,0123456789"
# White space is dropped wherever it is (NBSP, the ideographic space U+3000, tabs…): the
# characters Python's str.split() splits on.
WHITE_SPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())

_TO_HALF = str.maketrans(FULL_WIDTH, HALF_WIDTH)


def normalize_name(text: str) -> str:
    """How names and cells are compared: full-width → half-width, no white space. The SQL
    contract applies the same two tables (contract.normalized_sql); a test keeps them equal."""
    return "".join(text.translate(_TO_HALF).split())


def lit(text: str, dialect: str = "duckdb") -> str:
    """A SQL string literal (Spark's reads backslash escapes, DuckDB's does not)."""
    if dialect == "spark":
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + text.replace("'", "''") + "'"


def _char_class(chars: str) -> str:
    """A regex character class of these characters, runs written as ranges."""
    codes = sorted(set(map(ord, chars)))
    runs: list[list[int]] = []
    for c in codes:
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "[" + "".join(f"\\x{{{a:x}}}" + (f"-\\x{{{b:x}}}" if b > a else "") for a, b in runs) + "]"


def normalized_sql(expr: str, dialect: str = "duckdb") -> str:
    """normalize_name in DuckDB SQL (or Spark SQL, for dbt on Spark), from the same two tables
    (the landing contract uses it, and dbt's normalize_name macro is generated from it)."""
    white = lit(_char_class(WHITE_SPACE), dialect)
    # translate() with the whole table is the costly part (Chinese text too): only text
    # holding a full-width character goes through it
    full = lit(_char_class(FULL_WIDTH), dialect)
    matches = f"({expr}) rlike {full}" if dialect == "spark" else f"regexp_matches({expr}, {full})"
    half = f"CASE WHEN {matches} " \
           f"THEN translate({expr}, {lit(FULL_WIDTH, dialect)}, {lit(HALF_WIDTH, dialect)}) ELSE {expr} END"
    # Spark replaces every match; its 4th argument is a position, not DuckDB's 'g' flag
    return f"regexp_replace({half}, {white}, '')" if dialect == "spark" else \
        f"regexp_replace({half}, {white}, '', 'g')"


# A number as departments write it, matched after normalisation: a sign, digits with or
# without thousands separators (groups of three), decimals, then a suffix that must be the
# field's unit, a unit convertible to it (unit_conversions seed) or 万/亿. Groups: sign,
# digits, suffix. No exponents (1e5), no '_' (1_000): statistical tables never write them, so
# such a cell is damaged, not a number.
NUMBER_PATTERN = r"^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(.*)$"
# The common case, read by a plain cast without further parsing: digits and decimals, in the
# heading's unit. Anything else goes through NUMBER_PATTERN.
PLAIN_NUMBER_PATTERN = r"[0-9]+(?:\.[0-9]+)?"
# A suffix that is not a unit: an exponent, more digits, separators (the cell is no number).
NOT_A_UNIT_PATTERN = r"^(?:[eE][+-]?[0-9]|[0-9_.,+-])"
# No figure a department reports needs more characters than this (digits, separators, a
# unit): a longer cell is damage or an attack (a float written out as 309 digits).
MAX_NUMBER_CHARS = 32
MAGNITUDES = {"万": 1e4, "亿": 1e8}

# A year as tables write it: 2024 or 2024年.
YEAR_PATTERN = r"^([0-9]{4})年?$"
FIRST_YEAR = 1949

# Markers Chinese statistical tables use for "no figure" (see domain_research §4.2).
MISSING_MARKERS = frozenset(normalize_name(m) for m in ("", "-", "—", "–", "－", "…", "...", "/", "空"))

# A report's emission above this multiple of its permitted annual quantity is implausible (a
# unit slip, 千克 typed as 吨), not an exceedance to record: it is quarantined.
PERMIT_LIMIT_MULTIPLE = 100

# Every rule a row (or a cell) can break, and what it means. A row breaking any of them goes
# to raw.quarantine under the rule's name; so does a single bad cell of a dataset's
# cell_fields (its other cells land). The batch then fails the gate, unless the dataset lists
# the rule in its warn_rules (sources.yml), when it only warns.
ROW_RULES = {
    "ragged_row": "the row has more or fewer cells than there are headings",
    "required_missing": "a required field is empty or a missing marker",
    "unit_mismatch": "a number carries a unit that does not convert to the contract's",
    "not_a_number": "a number field holds something the number grammar does not read (text, 1e5, "
                    "1_000, more than 32 characters)",
    "below_minimum": "a number is below the field's minimum (e.g. a negative tonnage)",
    "above_maximum": "a number is above the field's maximum (e.g. a rate over 100)",
    "part_exceeds_whole": "a part is larger than its whole (numerator > denominator)",
    "invalid_year": "a year not written 2024 (or 2024年), or before 1949 or after this year",
    "invalid_datetime": "a time not written like 2025-01-31 14:00",
    "invalid_date": "a date not written like 2025-03-15, 2025/3/15 or 2025年3月15日",
    "unknown_code": "a name not in the field's code list (a seed of aliases, e.g. pollutant_aliases)",
    "unknown_enterprise": "an enterprise (统一社会信用代码) the permit register does not hold",
    "before_permit": "a report for a year before the enterprise's first permit took effect",
    "above_permit_limit": f"an emission above {PERMIT_LIMIT_MULTIPLE}× the annual quantity the permit "
                          "in force that year allows for the pollutant (implausible: a unit slip?)",
    "unknown_region": "a region name not in the region_aliases seed",
    "region_not_reported": "a known region the dataset does not report (a 全市 total row in a county file)",
    "duplicate_key": "a second row with the same natural key in one file",
}

# A reading's time as monitoring exports write it, 2025-01-31 14:00 (seconds optional),
# matched after normalisation (which drops the space).
DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T?[0-9]{2}:[0-9]{2}(?::[0-9]{2})?$"
# A date as reports write it (after normalisation): 2025-03-15, 2025/3/15, 2025年3月15日.
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
