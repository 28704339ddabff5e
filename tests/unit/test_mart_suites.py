"""Mart suites on frames shaped like the mart (no pipeline run): errors for a share above 100
(in a mart column, or any % value of the fact), warnings for jumps and a missing county."""

import pandas as pd

from expectations import validate
from expectations.mart_suites import mart_suite, prepare_mart_frame

MART_NODE = {"name": "mart_solid_waste_utilization", "columns": {
    "region_code": {}, "year": {},
    "domestic_waste_collected_t": {"meta": {"indicator": "urban_domestic_waste_collected"}},
    "domestic_waste_harmless_treated_t": {"meta": {"indicator": "urban_domestic_waste_harmless_treated"}},
    "domestic_waste_harmless_treatment_rate_pct": {
        "meta": {"indicator": "urban_domestic_waste_harmless_treatment_rate"}},
}}


def check_mart(rows: list[tuple], tmp_path):
    frame = pd.DataFrame(rows, columns=list(MART_NODE["columns"]))
    return validate(prepare_mart_frame(MART_NODE, frame), mart_suite(MART_NODE), tmp_path)


GOOD = [("511902", 2023, 10.0, 9.5, 95.0), ("511903", 2023, 8.0, 8.0, 100.0),
        ("511902", 2024, 11.0, 10.5, 95.5), ("511903", 2024, 8.5, 8.4, 98.8)]


def test_a_clean_mart_passes(tmp_path):
    assert check_mart(GOOD, tmp_path).failures == []


def test_a_mart_rate_above_100_is_an_error(tmp_path):
    rows = [*GOOD[:3], ("511903", 2024, 8.5, 9.0, 105.9)]
    outcome = check_mart(rows, tmp_path)
    assert not outcome.passed
    assert [(f.expectation, f.severity) for f in outcome.errors] == [
        ("expect_column_values_to_be_between", "critical")]
    assert outcome.errors[0].examples[0]["region_code"] == "511903"


FACT_NODE = {"name": "fct_indicator_observation", "columns": {
    c: {} for c in ["indicator_code", "ref_area", "time_period", "obs_value", "unit"]}}


def test_every_share_in_the_fact_is_checked_whether_or_not_a_mart_shows_it(tmp_path):
    """livestock_manure_utilization_rate is in no mart column: the fact's rule still sees it."""
    rows = [("livestock_manure_utilization_rate", "511902", "2024", 104.2, "%"),
            ("urban_domestic_waste_harmless_treatment_rate", "511902", "2024", 99.0, "%"),
            ("urban_domestic_waste_collected", "511902", "2024", 250000.0, "t")]
    frame = pd.DataFrame(rows, columns=list(FACT_NODE["columns"]))
    outcome = validate(prepare_mart_frame(FACT_NODE, frame), mart_suite(FACT_NODE), tmp_path)
    assert [f.examples[0]["indicator_code"] for f in outcome.errors] == [
        "livestock_manure_utilization_rate"]
    frame.loc[0, "obs_value"] = 96.0
    assert validate(prepare_mart_frame(FACT_NODE, frame), mart_suite(FACT_NODE), tmp_path).passed


def test_a_mart_jump_and_a_missing_county_only_warn(tmp_path):
    rows = [*GOOD[:2], ("511902", 2024, 50.0, 47.5, 95.0)]  # 511903 gone, 511902 ×4.5
    outcome = check_mart(rows, tmp_path)
    assert outcome.passed and outcome.warnings
    described = " ".join(f.describe() for f in outcome.warnings)
    assert "domestic_waste_collected_t__change" in described
    assert "domestic_waste_collected_t__regions" in described
