"""The data-quality gate, one test per kind of bad input: the check fails (or warns) as
designed, its message names the rule and the rows, an error keeps the downstream asset from
being materialized, and no received row is lost (landed or quarantined, file archived).
Each test changes one file the portal serves and runs one raw asset and its staging model
on a copy of the session's run."""

import csv
import io

import dagster as dg
import pytest

from tests.integration.pipeline import gate_failures

DOMESTIC = "waste/domestic_waste.csv"  # utf-8: 年份,县区,生活垃圾清运量(万吨),无害化处理量(万吨),数据说明
TRANSPORT = "transport/green_transport.csv"  # gb18030; column 6 is 主城区绿色出行比例(%)
STAGING = {"waste_domestic_waste": "stg_waste__domestic_waste",
           "transport_statistics": "stg_transport__statistics"}


def edit(pipeline, relative: str, encoding: str, change) -> int:
    """Rewrite a CSV the portal serves (rows as lists of cells, the heading first); returns
    the number of data rows it now has."""
    path = pipeline.portal_root / relative
    rows = change(list(csv.reader(io.StringIO(path.read_bytes().decode(encoding)))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return len(rows) - 1


def set_cell(rows: list[list[str]], row: int, column: int, value: str) -> list[list[str]]:
    return [[value if (r, c) == (row, column) else cell for c, cell in enumerate(cells)]
            for r, cells in enumerate(rows)]


BAD_ROWS = {
    # kind: (dataset, file, encoding, change, rule, text the message must show)
    "out-of-range rate": ("transport_statistics", TRANSPORT, "gb18030",
                          lambda ls: set_cell(ls, 10, 5, "120.5"), "above_maximum", "120.5"),
    "unknown region": ("waste_domestic_waste", DOMESTIC, "utf-8",
                       lambda ls: set_cell(ls, 3, 1, "成都市"), "unknown_region", "成都市"),
    "negative tonnage": ("waste_domestic_waste", DOMESTIC, "utf-8",
                         lambda ls: set_cell(ls, 3, 2, "-12.5"), "below_minimum", "-12.5"),
    "numerator > denominator": ("waste_domestic_waste", DOMESTIC, "utf-8",
                                lambda ls: set_cell(ls, 3, 3, "99.9"), "part_exceeds_whole", "99.9"),
    "duplicate key": ("waste_domestic_waste", DOMESTIC, "utf-8",
                      lambda ls: [*ls, ls[3]], "duplicate_key", "same year/region as line 4"),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_a_bad_row_is_quarantined_and_stops_the_batch(pipeline, kind):
    dataset, relative, encoding, change, rule, shown = BAD_ROWS[kind]
    received = edit(pipeline, relative, encoding, change)
    result = pipeline.run_around(dataset)

    failed = gate_failures(result)
    assert [(e.asset_key.path[-1], e.severity) for e in failed] == [
        (dataset, dg.AssetCheckSeverity.ERROR)]
    assert f"quarantine:{rule}" in failed[0].description and shown in failed[0].description
    materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert dataset in materialized and STAGING[dataset] not in materialized

    # nothing lost: the row is in quarantine under its rule, the others landed
    (load_id, got, landed, quarantined), = pipeline.query(
        "SELECT load_id, rows_received, rows_landed, rows_quarantined FROM raw.load_log "
        "WHERE dataset_id = ? ORDER BY fetched_at DESC LIMIT 1", [dataset])
    assert (got, landed, quarantined) == (received, received - 1, 1)
    assert pipeline.query("SELECT rule FROM raw.quarantine WHERE load_id = ?", [load_id]) == [(rule,)]
    # and the result is kept: raw.dq_results holds the failed batch with its findings
    (passed, findings), = pipeline.query(
        "SELECT passed, findings FROM raw.dq_results WHERE partition_key = ?", [load_id])
    assert not passed and f"quarantine:{rule}" in findings


def test_a_missing_column_fails_the_load_and_keeps_the_file(pipeline):
    edit(pipeline, DOMESTIC, "utf-8", lambda rows: [r[:3] + r[4:] for r in rows])
    result = pipeline.run_around("waste_domestic_waste")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "无害化处理量(万吨)" in failure.step_failure_data.error.message
    assert "required column(s) missing" in failure.step_failure_data.error.message
    materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert not materialized & {"waste_domestic_waste", STAGING["waste_domestic_waste"]}
    (status, archive_path), = pipeline.query(
        "SELECT status, archive_path FROM raw.load_log WHERE dataset_id = 'waste_domestic_waste' "
        "ORDER BY fetched_at DESC LIMIT 1")
    assert status == "failed" and pipeline.settings.archive_dir.as_posix() in archive_path


def test_a_county_missing_from_a_year_only_warns(pipeline):
    edit(pipeline, DOMESTIC, "utf-8", lambda rows: [r for r in rows if r[:2] != ["2024", "平昌县"]])
    result = pipeline.run_around("waste_domestic_waste")
    (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_raw_suite"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert "on regions_reporting_min" in check.description
    assert "{'regions_reporting_min': 4," in check.description  # the load's fewest in a year
    materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert STAGING["waste_domestic_waste"] in materialized


def test_a_bad_hourly_reading_is_quarantined_but_only_warns(pipeline):
    # the monitoring feed loses the odd reading (warn_rules in the catalog); the day goes on
    edit(pipeline, "air/hourly/BZ0001A_202401.csv", "utf-8", lambda rows: set_cell(rows, 5, 3, "-7"))
    result = pipeline.run_around("air_hourly_readings")
    (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_raw_suite"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert "quarantine:below_minimum" in check.description and "line 6" in check.description
    materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert "stg_air__hourly_readings" in materialized
    assert pipeline.query("SELECT scope, rule, field, count(*) FROM raw.quarantine GROUP BY ALL") == [
        ("cell", "below_minimum", "pm25", 1)]
    # only that cell: the hour's other pollutants landed, typed
    assert pipeline.query(
        "SELECT pm25, pm25__value, pm10__value IS NOT NULL, o3__value IS NOT NULL "
        "FROM raw.air_hourly_readings WHERE _row_number = 6 AND _source_uri LIKE '%BZ0001A_202401.csv' "
        "ORDER BY _fetched_at DESC LIMIT 1") == [("-7", None, True, True)]


def test_a_revision_losing_most_rows_is_held_until_a_reviewer_accepts_it(pipeline):
    # a body cut at a row boundary (no Content-Length) reads as a shorter new vintage
    kept = edit(pipeline, DOMESTIC, "utf-8", lambda rows: rows[:21])
    result = pipeline.run_around("waste_domestic_waste")
    (failed,) = gate_failures(result)
    assert failed.severity == dg.AssetCheckSeverity.ERROR
    assert "on rows_share_of_previous_vintage" in failed.description
    assert f"'rows_received': {kept}, 'previous_vintage_rows': 55" in failed.description
    materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert STAGING["waste_domestic_waste"] not in materialized
    # held, not lost: the rows are in raw; the next run still holds them
    assert [e.severity for e in gate_failures(pipeline.run_around("waste_domestic_waste"))] == [
        dg.AssetCheckSeverity.ERROR]

    from orchestration.review import accept_load

    (load_id,), = pipeline.query("SELECT load_id FROM raw.load_log WHERE dataset_id = "
                                 "'waste_domestic_waste' ORDER BY fetched_at DESC LIMIT 1")
    assert accept_load(pipeline.settings, load_id, "2024 figures withdrawn by the bureau") == 0
    result = pipeline.run_around("waste_domestic_waste")
    (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_raw_suite"]
    assert check.severity == dg.AssetCheckSeverity.WARN and "withdrawn by the bureau" in check.description
    assert STAGING["waste_domestic_waste"] in {
        e.asset_key.path[-1] for e in result.get_asset_materialization_events()}


def runaway_correction(pipeline) -> None:
    """A second correction of SAMPLE0003's 2023 report: 2,000 outlets of 0.001 t of 颗粒物,
    its 二氧化硫 and 氮氧化物 gone (the shape of a generator run wild)."""
    import json

    folder = pipeline.root / "drop" / "环境信息依法披露"
    doc = json.loads((folder / "91511900SAMPLE0003_2023_修订1.json").read_text(encoding="utf-8"))
    doc["披露日期"] = "2024-09-01"
    doc["三、污染物产生、治理与排放信息"]["排放口"] = [
        {"排放口编号": f"DA{i:04d}", "排放类别": "废气",
         "污染物": [{"污染物名称": "颗粒物", "年排放量(吨)": 0.001}]} for i in range(2000)]
    (folder / "91511900SAMPLE0003_2023_修订2.json").write_text(json.dumps(doc, ensure_ascii=False),
                                                               encoding="utf-8")


def test_a_correction_changing_a_report_beyond_its_bounds_is_held_with_both_versions(pipeline, capsys):
    from orchestration.review import accept_load

    runaway_correction(pipeline)
    dataset = "enterprise_environmental_disclosures"
    result = pipeline.run_around(dataset)
    (failed,) = gate_failures(result)
    assert failed.severity == dg.AssetCheckSeverity.ERROR
    for rule in ("revision_figures_factor", "revision_items_dropped"):
        assert f"on {rule}" in failed.description
    # both versions' figures, the report it replaces named
    assert "91511900SAMPLE0003 2023 (replaces " in failed.description
    assert "figures 6 → 2001" in failed.description
    assert "SO2 17.714 → dropped" in failed.description and "PM 5.607 → 2.0" in failed.description
    assert "stg_enterprise__environmental_disclosures" not in {
        e.asset_key.path[-1] for e in result.get_asset_materialization_events()}

    (load_id,), = pipeline.query("SELECT load_id FROM raw.load_log WHERE source_uri LIKE '%修订2.json'")
    assert accept_load(pipeline.settings, load_id, "   ") == 2  # a blank reason is no review
    assert "needs --reason" in capsys.readouterr().err
    assert accept_load(pipeline.settings, load_id, "the bureau confirmed the new outlets",
                       operator="reviewer-zhang") == 0
    result = pipeline.run_around(dataset)
    (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_raw_suite"]
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert "reviewer-zhang" in check.description and "the bureau confirmed" in check.description


def test_accept_load_releases_only_what_the_gate_held_for_review(pipeline, capsys):
    from orchestration.review import accept_load

    # quarantined rows: the rows say what is missing, no reviewer can wave them through
    edit(pipeline, DOMESTIC, "utf-8", lambda ls: set_cell(ls, 3, 2, "-12.5"))
    pipeline.run_around("waste_domestic_waste")
    (bad,), = pipeline.query("SELECT load_id FROM raw.load_log WHERE dataset_id = 'waste_domestic_waste' "
                             "ORDER BY fetched_at DESC LIMIT 1")
    assert accept_load(pipeline.settings, bad, "looks fine to me") == 2
    err = capsys.readouterr().err
    assert "cannot be accepted" in err and "quarantine:below_minimum" in err
    # a load the gate passed: nothing to accept
    (good,), = pipeline.query("SELECT load_id FROM raw.load_log WHERE dataset_id = 'transport_statistics' "
                              "AND status = 'landed' LIMIT 1")
    assert accept_load(pipeline.settings, good, "just in case") == 2
    assert "not held for review" in capsys.readouterr().err
    # and still held on the next run
    assert [e.severity for e in gate_failures(pipeline.run_around("waste_domestic_waste"))] == [
        dg.AssetCheckSeverity.ERROR]


def test_a_source_that_cannot_be_fetched_leaves_a_failed_load_log_row(pipeline):
    (pipeline.portal_root / DOMESTIC).unlink()  # the department's file is gone: HTTP 404
    result = pipeline.run_around("waste_domestic_waste")
    assert not result.success
    (uri, status, error), = pipeline.query(
        "SELECT source_uri, status, error FROM raw.load_log "
        "WHERE dataset_id = 'waste_domestic_waste' AND status = 'failed'")
    assert uri.endswith("/waste/domestic_waste.csv") and "HTTP 404" in error
