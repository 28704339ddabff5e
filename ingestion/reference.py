"""The reference data landing applies, read from the dbt seeds staging joins too (one copy):
region and code aliases, and the units numbers are converted to as they land."""

import csv
from functools import cache
from pathlib import Path

from .catalog import SEEDS_DIR, Field
from .rules import MAGNITUDES, normalize_name


def _city_code() -> str:
    """GB/T 2260 code of 巴中市: the regions seed's city row (dbt: var city_code, kept equal)."""
    with open(SEEDS_DIR / "regions.csv", encoding="utf-8", newline="") as fh:
        return next(r["region_code"] for r in csv.DictReader(fh) if r["region_level"] == "city")


CITY_CODE = _city_code()


@cache
def region_aliases(seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    """Normalised alias → GB/T 2260 code, from the dbt seed that staging also uses."""
    with open(seeds_dir / "region_aliases.csv", encoding="utf-8", newline="") as fh:
        return {normalize_name(r["alias"]): r["region_code"] for r in csv.DictReader(fh)}


@cache
def code_aliases(seed: str, seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    """Normalised alias → code, from a dbt seed whose first two columns are alias and code
    (kind code fields; staging joins the same seed)."""
    with open(seeds_dir / f"{seed}.csv", encoding="utf-8", newline="") as fh:
        return {normalize_name(r[0]): r[1] for r in list(csv.reader(fh))[1:]}


@cache
def _at_landing() -> dict[str, tuple[str, float]]:
    """Declared unit → (unit the typed column is in, factor): the seed's at_landing rows."""
    with open(SEEDS_DIR / "unit_conversions.csv", encoding="utf-8", newline="") as fh:
        return {r["from_unit"]: (r["to_unit"], float(r["factor"]))
                for r in csv.DictReader(fh) if r["at_landing"] == "true"}


def typed_unit(f: Field) -> tuple[str | None, float]:
    """The unit of a number field's typed column and the factor from its declared unit."""
    return _at_landing().get(f.unit, (f.unit, 1.0)) if f.unit else (None, 1.0)


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
