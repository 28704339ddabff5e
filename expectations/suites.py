"""GX Core 1.x suites as code, built from metadata written once: raw suites from the source
catalog (ingestion/sources.yml), mart suites from the dbt models' YAML (each indicator column
says `meta: {indicator: ...}`) and the indicator catalog (seeds/indicators.csv: unit,
numerator, denominator)."""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import cache

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity

from ingestion.catalog import SEEDS_DIR, Dataset, region_aliases
from ingestion.rules import DATETIME_PATTERN, normalize_name

# A number as departments write it: optional sign, digits (full-width after NFKC), optional
# thousands separators and decimals. Validated on the NFKC-normalised view of the column.
NUMBER_PATTERN = r"^-?[0-9][0-9,]*(?:\.[0-9]+)?$"


REGIONS_REPORTING = "regions_reporting_in_year"


def _year_and_region(ds: Dataset) -> tuple[str, str] | None:
    years = [f.name for f in ds.fields if f.kind == "year"]
    regions = [f.name for f in ds.fields if f.kind == "region"]
    return (years[0], regions[0]) if years and regions else None


def raw_suite(ds: Dataset) -> gx.ExpectationSuite:
    """Expectations on a raw batch as landed: the frame has the contract's field columns
    (values as text, normalised with `normalize_name`) and the load columns."""
    expectations: list[gxe.Expectation] = [gxe.ExpectTableRowCountToBeBetween(min_value=1)]
    for f in ds.fields:
        expectations.append(gxe.ExpectColumnToExist(column=f.name))
        if f.required:
            expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=f.name))
        if f.kind == "number":
            # optionally followed by the declared unit ('12.5万吨'), never another one
            unit = f"(?:{re.escape(normalize_name(f.unit))})?" if f.unit else ""
            expectations.append(gxe.ExpectColumnValuesToMatchRegex(
                column=f.name, regex=NUMBER_PATTERN.replace("$", unit + "$")))
            if f.min is not None or f.max is not None:
                expectations.append(gxe.ExpectColumnValuesToBeBetween(
                    column=f"{f.name}__number", min_value=f.min, max_value=f.max))
        elif f.kind == "year":
            expectations.append(gxe.ExpectColumnValuesToBeBetween(
                column=f"{f.name}__number", min_value=1949, max_value=date.today().year))
        elif f.kind == "datetime":
            expectations.append(gxe.ExpectColumnValuesToMatchRegex(column=f.name, regex=DATETIME_PATTERN))
        elif f.kind == "region":
            expectations.append(gxe.ExpectColumnValuesToBeInSet(
                column=f.name, value_set=sorted(region_aliases())))
    if ds.regions and _year_and_region(ds):
        # Completeness: every county/district the dataset covers reports in every year. A gap
        # warns but does not stop the run: the city figure is withheld for that year.
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column=REGIONS_REPORTING, min_value=len(ds.regions), severity=FailureSeverity.WARNING,
            meta={"notes": f"regions reporting per year; expected {len(ds.regions)}"}))
    if len(ds.natural_key) == 1:
        expectations.append(gxe.ExpectColumnValuesToBeUnique(column=f"{ds.natural_key[0]}__key"))
    elif ds.natural_key:
        expectations.append(gxe.ExpectCompoundColumnsToBeUnique(
            column_list=[f"{k}__key" for k in ds.natural_key]))
    return gx.ExpectationSuite(name=f"raw__{ds.id}", expectations=expectations,
                               meta={"index_columns": ["_row_number"]})


def prepare_raw_frame(ds: Dataset, frame):
    """Add the derived views the raw suite checks (pandas in, pandas out): normalised text,
    parsed numbers, region codes, key columns. Works on a copy: raw keeps the text as received."""
    import pandas as pd

    from ingestion.contract import is_missing, parse_number, split_unit

    out = frame.copy()
    aliases = region_aliases()
    for f in ds.fields:
        if f.name not in out:
            continue
        # NULL arrives as None or NaN depending on the column's other values
        text = out[f.name].map(
            lambda v: None if not isinstance(v, str) or is_missing(v) else normalize_name(v))
        out[f.name] = text
        if f.kind in {"number", "year"}:
            out[f"{f.name}__number"] = pd.to_numeric(
                text.map(lambda v: parse_number(split_unit(v)[0]) if isinstance(v, str) else None),
                errors="coerce")
        if f.kind == "region":
            out[f"{f.name}__code"] = text.map(lambda v: aliases.get(v) if isinstance(v, str) else None)
    if ds.regions and (pair := _year_and_region(ds)) and pair[1] in out:
        year, region = pair
        out[REGIONS_REPORTING] = out.groupby(f"{year}__number", dropna=False)[
            f"{region}__code"].transform("nunique")
    for k in ds.natural_key:
        if k in out:
            f = ds.field(k)
            out[f"{k}__key"] = out[f"{k}__code"] if f.kind == "region" else out[k]
    return out


# Year-over-year jumps that warn (never block: real series do jump, a person should look):
# a share moving more than 20 points, or a quantity falling below a quarter or more than
# quadrupling (small capacities, e.g. a county's first wind farm, often double in a year).
SHARE_JUMP_POINTS = 20.0
QUANTITY_JUMP = (-0.75, 3.0)
MART_INDEX = ["region_code", "year"]


@cache
def indicator_catalog() -> dict[str, dict]:
    with open(SEEDS_DIR / "indicators.csv", encoding="utf-8") as fh:
        return {r["indicator_code"]: r for r in csv.DictReader(fh)}


def indicator_columns(node: dict) -> dict[str, str]:
    """column → indicator_code, from the model YAML's column meta (as in the manifest)."""
    return {name: c["meta"]["indicator"] for name, c in node["columns"].items()
            if c.get("meta", {}).get("indicator")}


def _parts(expression: str, columns_by_indicator: dict[str, str]) -> list[str] | None:
    """'a + b' of indicator codes → their mart columns; None unless every term is a column."""
    terms = [t.strip() for t in expression.split("+")] if expression else []
    cols = [columns_by_indicator.get(t) for t in terms]
    return cols if cols and all(cols) else None


def mart_suite(node: dict) -> gx.ExpectationSuite:
    """Expectations on a mart as built: documented columns present, and for each indicator
    column the catalog's rules: a share (unit %) within 0–100, any other indicator not
    negative, a rate's numerator not above its denominator (where both are columns here),
    and, per region, year-over-year jumps (warning). Regions present one year and missing
    the next warn too. `meta.gx_severity: warning` on a column softens its rules."""
    catalog = indicator_catalog()
    columns = indicator_columns(node)
    by_indicator = {code: col for col, code in columns.items()}
    has_index = all(c in node["columns"] for c in MART_INDEX)
    expectations: list[gxe.Expectation] = [gxe.ExpectTableRowCountToBeBetween(min_value=1)]
    expectations += [gxe.ExpectColumnToExist(column=c) for c in node["columns"]]
    for col, code in columns.items():
        indicator = catalog[code]
        severity = FailureSeverity(node["columns"][col]["meta"].get("gx_severity", "critical"))
        share = indicator["unit"] == "%"
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column=col, min_value=0, max_value=100 if share else None, severity=severity,
            meta={"notes": f"{code}: {'a share in %' if share else 'a quantity'} ({indicator['unit']})"}))
        numerator = _parts(indicator["numerator"], by_indicator)
        denominator = _parts(indicator["denominator"], by_indicator)
        if numerator and denominator:
            expectations.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=f"{col}__denominator", column_B=f"{col}__numerator", or_equal=True,
                ignore_row_if="either_value_is_missing", severity=severity,
                meta={"notes": f"{' + '.join(numerator)} ≤ {' + '.join(denominator)}"}))
        if has_index:
            low, high = (-SHARE_JUMP_POINTS, SHARE_JUMP_POINTS) if share else QUANTITY_JUMP
            expectations.append(gxe.ExpectColumnValuesToBeBetween(
                column=f"{col}__change", min_value=low, max_value=high,
                severity=FailureSeverity.WARNING,
                meta={"notes": "change on the previous year, in points" if share
                      else "relative change on the previous year"}))
            expectations.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=f"{col}__regions", column_B=f"{col}__regions_year_before", or_equal=True,
                ignore_row_if="either_value_is_missing", severity=FailureSeverity.WARNING,
                meta={"notes": "fewer regions with a value than the year before: a county "
                               "missing from a year"}))
    return gx.ExpectationSuite(name=f"mart__{node['name']}", expectations=expectations,
                               meta={"index_columns": MART_INDEX if has_index else []})


def prepare_mart_frame(node: dict, frame):
    """Add the views the mart suite checks: each rate's numerator and denominator sums, and
    per indicator its change on the previous year of the same region and the number of
    regions with a value in the year and in the year before."""
    catalog = indicator_catalog()
    columns = indicator_columns(node)
    by_indicator = {code: col for col, code in columns.items()}
    out = frame.copy()
    has_index = all(c in out for c in MART_INDEX)
    if has_index:
        out = out.sort_values(MART_INDEX, kind="stable").reset_index(drop=True)
        previous_year = out.groupby("region_code")["year"].shift()
        consecutive = previous_year == out["year"] - 1
    for col, code in columns.items():
        if col not in out:
            continue
        indicator = catalog[code]
        numerator = _parts(indicator["numerator"], by_indicator)
        denominator = _parts(indicator["denominator"], by_indicator)
        if numerator and denominator and all(c in out for c in numerator + denominator):
            out[f"{col}__numerator"] = out[numerator].sum(axis=1, min_count=len(numerator))
            out[f"{col}__denominator"] = out[denominator].sum(axis=1, min_count=len(denominator))
        if has_index:
            previous = out.groupby("region_code")[col].shift().where(consecutive)
            change = out[col] - previous if indicator["unit"] == "%" else out[col] / previous - 1
            # 0 → 0 is no change; 0 → x is an unmeasurable jump, left to the other rules
            out[f"{col}__change"] = change.where(previous != 0).astype("float64")
            per_year = out[out[col].notna()].groupby("year")["region_code"].nunique()
            out[f"{col}__regions"] = out["year"].map(per_year)
            out[f"{col}__regions_year_before"] = (out["year"] - 1).map(per_year)
    return out
