"""GX suites of the marts, built from the dbt models' YAML (each indicator column says
`meta: {indicator: ...}`) and the indicator catalogue (ingestion's load_indicators: the unit):
a share within 0–100, any other indicator not negative, year-over-year jumps per series."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity

from ingestion import load_indicators

# Year-over-year jumps that warn (never block: real series do jump, a person should look):
# a share moving more than 20 points, or a quantity falling below a quarter or more than
# quadrupling (small capacities, e.g. a county's first wind farm, often double in a year).
SHARE_JUMP_POINTS = 20.0
QUANTITY_JUMP = (-0.75, 3.0)
MART_INDEX = ["region_code", "year"]


def series_key(node: dict) -> list[str]:
    """The columns that, with year, make a mart's row: year-over-year checks follow each
    series. Per region by default; a finer mart says so in its YAML, config meta series_key
    (an enterprise's pollutant: [credit_code, pollutant_code])."""
    return node.get("config", {}).get("meta", {}).get("series_key") or ["region_code"]


def indicator_columns(node: dict) -> dict[str, str]:
    """column → indicator_code, from the model YAML's column meta (as in the manifest)."""
    return {name: c["meta"]["indicator"] for name, c in node["columns"].items()
            if c.get("meta", {}).get("indicator")}


# The fact in long form: one value column for all indicators, its unit beside it.
LONG_FORM = ("indicator_code", "obs_value", "unit")
LONG_FORM_INDEX = ["indicator_code", "ref_area", "time_period"]
SHARE_VALUE = "obs_value__share"


def mart_suite(node: dict) -> gx.ExpectationSuite:
    """Expectations on a mart as built: documented columns present, and for each indicator
    column the catalog's rules: a share (unit %) within 0–100, any other indicator not
    negative, and, per region, year-over-year jumps (warning). Regions present one year and
    missing the next warn too.
    A table in long form (the fact) gets the share rule on every value whose unit is %, so
    every rate is checked, in a mart column or not."""
    catalog = load_indicators()
    columns = indicator_columns(node)
    has_index = all(c in node["columns"] for c in MART_INDEX)
    expectations: list[gxe.Expectation] = [gxe.ExpectTableRowCountToBeBetween(min_value=1)]
    expectations += [gxe.ExpectColumnToExist(column=c) for c in node["columns"]]
    long_form = all(c in node["columns"] for c in LONG_FORM + tuple(LONG_FORM_INDEX))
    if long_form:
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column=SHARE_VALUE, min_value=0, max_value=100,
            meta={"notes": "every value whose unit is % (a share): within 0–100"}))
    for col, code in columns.items():
        indicator = catalog[code]
        share = indicator.unit == "%"
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column=col, min_value=0, max_value=100 if share else None,
            meta={"notes": f"{code}: {'a share in %' if share else 'a quantity'} ({indicator.unit})"}))
        if has_index:
            low, high = (-SHARE_JUMP_POINTS, SHARE_JUMP_POINTS) if share else QUANTITY_JUMP
            expectations.append(gxe.ExpectColumnValuesToBeBetween(
                column=f"{col}__change", min_value=low, max_value=high,
                severity=FailureSeverity.WARNING,
                meta={"notes": "change on the previous year, in points" if share
                      else "relative change on the previous year"}))
            if series_key(node) != ["region_code"]:
                continue  # finer rows (an enterprise's) come and go within a region
            expectations.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=f"{col}__regions", column_B=f"{col}__regions_year_before", or_equal=True,
                ignore_row_if="either_value_is_missing", severity=FailureSeverity.WARNING,
                meta={"notes": "fewer regions with a value than the year before: a county "
                               "missing from a year"}))
    return gx.ExpectationSuite(name=f"mart__{node['name']}", expectations=expectations,
                               meta={"index_columns": MART_INDEX if has_index
                                     else LONG_FORM_INDEX if long_form else []})


def prepare_mart_frame(node: dict, frame):
    """Add the views the mart suite checks: in long form the values that are shares, and
    per indicator its change on the previous year of the same region and the number of
    regions with a value in the year and in the year before."""
    catalog = load_indicators()
    columns = indicator_columns(node)
    out = frame.copy()
    if all(c in out for c in LONG_FORM):
        out[SHARE_VALUE] = out["obs_value"].where(out["unit"] == "%")
    has_index = all(c in out for c in MART_INDEX)
    if has_index:
        series = series_key(node)
        out = out.sort_values([*series, "year"], kind="stable").reset_index(drop=True)
        previous_year = out.groupby(series)["year"].shift()
        consecutive = previous_year == out["year"] - 1
    for col, code in columns.items():
        if col not in out:
            continue
        indicator = catalog[code]
        if has_index:
            previous = out.groupby(series)[col].shift().where(consecutive)
            change = out[col] - previous if indicator.unit == "%" else out[col] / previous - 1
            # 0 → 0 is no change; 0 → x is an unmeasurable jump, left to the other rules
            out[f"{col}__change"] = change.where(previous != 0).astype("float64")
            per_year = out[out[col].notna()].groupby("year")["region_code"].nunique()
            out[f"{col}__regions"] = out["year"].map(per_year)
            out[f"{col}__regions_year_before"] = (out["year"] - 1).map(per_year)
    return out
