"""GX Core 1.x suites as code, built from the source catalog (ingestion/sources.yml) so the
contract is written once. One suite per raw dataset; mart suites are added beside them."""

from __future__ import annotations

import re
from datetime import date

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity

from ingestion.catalog import Dataset, normalize_name, region_aliases
from ingestion.contract import DATETIME_PATTERN

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
    return gx.ExpectationSuite(name=f"raw__{ds.id}", expectations=expectations)


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
