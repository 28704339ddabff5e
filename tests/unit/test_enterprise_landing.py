"""Permits and disclosure reports at landing: a report is read figure by figure, its pollutant
names map to codes, and each figure is checked against the permit register landed before it
(unknown enterprise, a year before the first permit, above 100× the permitted quantity)."""

import json
from datetime import UTC, datetime

import duckdb
import pytest

from ingestion import FetchedFile, FileDropConnector, LoadError, load_catalog
from ingestion.landing import land_batch
from ingestion.parse_json import MAX_REPORT_FIGURES
from ingestion.parsers import MAX_FILE_BYTES, parse
from ingestion.sample_data import DROP_SAMPLE_DIR
from tests.helpers import land

PERMITS = load_catalog()["enterprise_pollutant_permits"]
REPORTS = load_catalog()["enterprise_environmental_disclosures"]
CODE = "91511900SAMPLE0006"  # the chemical plant: permit in force from 2022-07-01, VOCs 40 t/a


def permit(pollutant: str, permitted: float, **changes) -> dict:
    record = {
        "许可证编号": f"{CODE}001P",
        "统一社会信用代码": CODE,
        "单位名称": "巴中样例化工有限公司",
        "行政区划": "巴州区",
        "行业类别代码": "C2614",
        "行业类别": "有机化学原料制造",
        "管理类别": "重点管理",
        "发证日期": "2022-06-15",
        "有效期限起": "2022-07-01",
        "有效期限止": "2027-06-30",
        "污染物种类": pollutant,
        "年许可排放量(吨)": permitted,
        "备注": "样例数据",
    }
    return record | changes


def report(year: int = 2023, code: str = CODE, figures: dict[str, float] | None = None, co2=None) -> dict:
    figures = figures or {"挥发性有机物": 20.5, "VOCs": 1.5}
    doc = {
        "报告类型": "年度报告",
        "报告年度": str(year),
        "披露日期": f"{year + 1}年3月10日",
        "一、企业基本信息": {
            "企业名称": "巴中样例化工有限公司",
            "统一社会信用代码": code,
            "所在区县": "巴州区",
        },
        "三、污染物产生、治理与排放信息": {
            "排放口": [
                {
                    "排放口编号": f"DA00{i}",
                    "排放类别": "废气",
                    "污染物": [{"污染物名称": name, "年排放量(吨)": value}],
                }
                for i, (name, value) in enumerate(figures.items(), 1)
            ]
        },
        "备注": "样例数据",
    }
    if co2 is not None:
        doc["四、碳排放信息"] = co2
    return doc


def fetched(doc, uri: str) -> FetchedFile:
    return FetchedFile(uri, json.dumps(doc, ensure_ascii=False).encode(), datetime.now(UTC))


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(":memory:") as c:
        pages = {
            "pages": [{"data": {"items": [permit("挥发性有机物", 40), permit("二氧化硫", 30)], "pages": 1}}]
        }
        assert land(c, PERMITS, fetched(pages, "http://p/api/pollutant_permits"), tmp_path).rows_landed == 2
        yield c


def quarantined(con) -> list[tuple]:
    return con.execute(
        "SELECT row_number, rule, field, message FROM raw.quarantine ORDER BY row_number"
    ).fetchall()


def test_a_report_lands_one_row_per_figure_with_codes_and_dates(con, tmp_path):
    doc = report(co2={"二氧化碳排放量(吨)": 91000.5})
    result = land(con, REPORTS, fetched(doc, "file:///drop/r.json"), tmp_path)
    assert (result.rows_received, result.rows_landed, result.rows_quarantined) == (3, 3, 0)
    rows = con.execute(
        "SELECT outlet_code, pollutant, pollutant__code, emissions_t__value, disclosed_on__value, "
        "year__value FROM raw.enterprise_environmental_disclosures ORDER BY _row_number"
    ).fetchall()
    assert [r[:4] for r in rows] == [
        ("DA001", "挥发性有机物", "VOCS", 20.5),
        ("DA002", "VOCs", "VOCS", 1.5),
        ("全厂", "二氧化碳", "CO2", 91000.5),
    ]
    assert {(str(r[4]), r[5]) for r in rows} == {("2024-03-10", 2023)}


def test_an_enterprise_the_register_lacks_is_quarantined_naming_the_register(con, tmp_path):
    result = land(con, REPORTS, fetched(report(code="91511900SAMPLE9999"), "file:///drop/x.json"), tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (0, 2)
    line, rule, field, message = quarantined(con)[0]
    assert (line, rule, field) == (1, "unknown_enterprise", "credit_code")
    assert message == (
        "enterprise_environmental_disclosures: file:///drop/x.json: figure 1: credit_code: "
        "统一社会信用代码 = '91511900SAMPLE9999' is not in the permit register "
        "(enterprise_pollutant_permits): a wrong code, or a permit not yet landed"
    )


def test_a_report_for_a_year_before_the_first_permit_is_quarantined(con, tmp_path):
    result = land(con, REPORTS, fetched(report(year=2021), "file:///drop/old.json"), tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (0, 2)
    assert quarantined(con)[0][1:3] == ("before_permit", "year")
    assert (
        "报告年度 = '2021' is before the enterprise's first permit (in force from 2022-07-01)"
        in quarantined(con)[0][3]
    )


def test_negative_and_implausible_emissions_are_quarantined_the_rest_lands(con, tmp_path):
    # VOCs permitted 40 t/a: 4,001 t is more than 100×, 3,999 t is recorded (an exceedance, not a slip)
    doc = report(figures={"挥发性有机物": 4001, "VOCs": 3999, "二氧化硫": -1, "非甲烷总烃": 2})
    result = land(con, REPORTS, fetched(doc, "file:///drop/bad.json"), tmp_path)
    assert (result.rows_received, result.rows_landed, result.rows_quarantined) == (4, 2, 2)
    (line1, rule1, _, message1), (line3, rule3, _, _) = quarantined(con)
    assert (line1, rule1, line3, rule3) == (1, "above_permit_limit", 3, "below_minimum")
    assert message1.endswith(
        "年排放量(吨) = '4001' is more than 100× the 40.0 t a year the permit "
        "in force in 2023 allows for VOCS (a unit slip?)"
    )


def test_an_unknown_pollutant_name_and_a_bad_date_are_named(con, tmp_path):
    doc = report(figures={"臭氧前体物": 1.0, "挥发性有机物": 2.0})
    doc["披露日期"] = "2024-02-30"
    result = land(con, REPORTS, fetched(doc, "file:///drop/odd.json"), tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (0, 2)
    (_, rule1, field1, message1), (_, rule2, field2, _) = quarantined(con)
    assert (rule1, field1, rule2, field2) == ("invalid_date", "disclosed_on", "invalid_date", "disclosed_on")
    assert "披露日期 = '2024-02-30' is not a date like 2025-03-15" in message1
    assert (
        "pollutant: 污染物名称 = '臭氧前体物' is not in the code list; add it to dbt_project/seeds/"
        "pollutant_aliases.csv" in message1
    )


def test_reports_wait_for_the_register_and_a_report_without_its_sections_is_refused(tmp_path):
    with (
        duckdb.connect(":memory:") as c,
        pytest.raises(
            LoadError, match="permit register enterprise_pollutant_permits, which has not been landed"
        ),
    ):
        land(c, REPORTS, fetched(report(), "file:///drop/r.json"), tmp_path)
    with pytest.raises(LoadError, match="not a disclosure report .missing '三、污染物产生、治理与排放信息'"):
        parse(
            json.dumps({"一、企业基本信息": {}}).encode(),
            "disclosure_report",
            "utf-8",
            dataset_id="d",
            uri="u",
        )
    kilos = report(co2={"二氧化碳排放量(千克)": 1})
    with pytest.raises(LoadError, match="not in the pollutants' unit"):
        parse(
            json.dumps(kilos, ensure_ascii=False).encode(),
            "disclosure_report",
            "utf-8",
            dataset_id="d",
            uri="u",
        )


def test_every_bundled_report_is_a_file_of_the_drop_folder_the_catalog_reads():
    reports = sorted((DROP_SAMPLE_DIR).glob(REPORTS.drop_glob))
    assert len(reports) == 27 and any("修订" in p.name for p in reports)
    assert all("样例" in json.loads(p.read_text(encoding="utf-8"))["备注"] for p in reports)


def raw_report(doc: dict, placeholder: str, literal: str) -> bytes:
    """A report whose number is written exactly as `literal` (json.dumps would rewrite it)."""
    return json.dumps(doc, ensure_ascii=False).replace(f'"{placeholder}"', literal).encode()


@pytest.mark.parametrize("literal", ["1e308", "1E+308", "9" * 309, "NaN", "Infinity"])
def test_an_absurd_co2_figure_is_quarantined_never_landed(con, tmp_path, literal):
    doc = report(co2={"二氧化碳排放量(吨)": "CO2"})
    data = raw_report(doc, "CO2", literal)
    result = land(con, REPORTS, FetchedFile("file:///drop/absurd.json", data, datetime.now(UTC)), tmp_path)
    assert (result.rows_received, result.rows_landed, result.rows_quarantined) == (3, 2, 1)
    (line, rule, field, message), = quarantined(con)
    assert (line, rule, field) == (3, "not_a_number", "emissions_t")
    assert literal[:20] in message and "file:///drop/absurd.json: figure 3" in message
    assert con.execute("SELECT max(emissions_t__value) FROM raw.enterprise_environmental_disclosures"
                       ).fetchone()[0] == 20.5


def test_a_co2_figure_written_in_digits_but_beyond_any_plant_is_above_the_declared_maximum(con, tmp_path):
    doc = report(co2={"二氧化碳排放量(吨)": 9_000_000_000})  # 9 Gt: more than China's power sector
    result = land(con, REPORTS, fetched(doc, "file:///drop/big.json"), tmp_path)
    assert result.rows_quarantined == 1
    assert quarantined(con)[0][1:3] == ("above_maximum", "emissions_t")


def test_every_number_field_of_the_catalog_has_a_range():
    unbounded = [(d.id, f.name) for d in load_catalog().values() for f in d.fields
                 if f.kind == "number" and (f.min is None or f.max is None)]
    assert unbounded == []


def test_a_report_nested_too_deep_fails_alone_with_a_load_log_row_naming_its_file(con, tmp_path):
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    shallow_but_deep = json.dumps(report() | {"x": json.loads("[" * 40 + "]" * 40)}).encode()
    good = fetched(report(), "file:///drop/good.json")
    batch = [FetchedFile("file:///drop/deep.json", deep, datetime.now(UTC)), good,
             FetchedFile("file:///drop/forty.json", shallow_but_deep, datetime.now(UTC))]
    with pytest.raises(LoadError, match="deep.json: JSON nested too deep"):
        land_batch(con, REPORTS, batch, tmp_path)
    log = con.execute("SELECT source_uri, status, error FROM raw.load_log "
                      "WHERE dataset_id = ? ORDER BY source_uri", [REPORTS.id]).fetchall()
    assert [(uri, status) for uri, status, _ in log] == [
        ("file:///drop/deep.json", "failed"), ("file:///drop/forty.json", "failed"),
        ("file:///drop/good.json", "landed")]
    assert "nested deeper than 32 levels" in log[1][2]


def test_an_oversized_report_is_refused_by_its_size_before_it_is_read_whole(con, tmp_path):
    drop = tmp_path / "drop" / "环境信息依法披露"
    drop.mkdir(parents=True)
    big = report(figures={f"挥发性有机物{i}": 0.001 for i in range(40_000)})  # ~3 MB
    (drop / "runaway_2023.json").write_text(json.dumps(big, ensure_ascii=False), encoding="utf-8")
    limit = MAX_FILE_BYTES["disclosure_report"]
    files = list(FileDropConnector(tmp_path / "drop").fetch_all(REPORTS.id, REPORTS.drop_glob, limit))
    assert len(files[0].data) == limit + 1  # no more than that was read
    with pytest.raises(LoadError, match=f"runaway_2023.json: over the {limit}-byte limit"):
        land_batch(con, REPORTS, files, tmp_path / "archive")
    assert not (tmp_path / "archive").exists()  # nothing archived or parsed
    assert con.execute("SELECT status FROM raw.load_log WHERE dataset_id = ?", [REPORTS.id]).fetchall() \
        == [("failed",)]


def test_a_report_with_more_figures_than_a_plant_has_is_refused():
    doc = report(figures={f"挥发性有机物{i}": 1 for i in range(MAX_REPORT_FIGURES + 1)})
    with pytest.raises(LoadError, match=f"over the {MAX_REPORT_FIGURES} one report may hold"):
        parse(json.dumps(doc, ensure_ascii=False).encode(), "disclosure_report", "utf-8",
              dataset_id="d", uri="u")
