"""Parsers and fetch modes for the formats departments publish, each on a small real file."""

import io
import json
import time
import zipfile
from datetime import UTC, datetime

import duckdb
import pytest

from ingestion import FetchedFile, FetchError, HttpConnector, LoadError, load_catalog
from ingestion.catalog import SAMPLE_DATA_DIR
from ingestion.parse_json import parse_json_pages, parse_nbs_easyquery
from ingestion.parse_xlsx import parse_xlsx
from ingestion.portal import serve_portal
from tests.helpers import land

XLSX = (SAMPLE_DATA_DIR / "energy" / "installed_capacity.xlsx").read_bytes()


def test_xlsx_report_title_merged_two_row_header_and_notes():
    table = parse_xlsx(XLSX, "utf-8", dataset_id="energy_installed_capacity", uri="u")
    assert table.headers == ["年份", "地区", "装机容量(万千瓦)/水电", "装机容量(万千瓦)/风电",
                             "装机容量(万千瓦)/光伏", "装机容量(万千瓦)/生物质", "数据说明"]
    assert table.position == "row"
    first_row, cells = table.rows[0]
    assert first_row == 4 and cells[:2] == ["2015", "巴州区"]  # title + 2 header rows above
    assert len(table.rows) == 50  # the two note rows under the table are not data
    assert not any(c[0].startswith(("注", "资料来源")) for _, c in table.rows)


def test_xlsx_zip_bomb_and_non_xlsx_are_refused(monkeypatch):
    import ingestion.parse_xlsx as parse_xlsx_module

    monkeypatch.setattr(parse_xlsx_module, "MAX_XLSX_UNCOMPRESSED", 1000)
    with pytest.raises(LoadError, match="unpacks to .* over the 1000-byte limit"):
        parse_xlsx(XLSX, "utf-8", dataset_id="d", uri="u")
    with pytest.raises(LoadError, match="not an .xlsx file"):
        parse_xlsx(b"year,region\n", "utf-8", dataset_id="d", uri="u")


def _workbook(sheet_xml_change=lambda xml: xml) -> bytes:
    """A small report workbook; `sheet_xml_change` edits its sheet XML as a hostile file would
    (openpyxl itself would build every cell of a huge merge while writing it)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["年份", "县区", "装机容量(万千瓦)"])
    book.active.append([2024, "巴州区", 1.5])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            dst.writestr(item, sheet_xml_change(body) if item.filename.endswith("sheet1.xml") else body)
    return out.getvalue()


MERGE = b"</sheetData><mergeCells count=\"1\"><mergeCell ref=\"%s\"/></mergeCells>"


@pytest.mark.parametrize("change, ref", [
    (lambda x: x.replace(b"</row></sheetData>", b'</row><row r="1048576"><c r="XFD1048576" t="inlineStr">'
                         b"<is><t>x</t></is></c></row></sheetData>"), "XFD1048576"),
    (lambda x: x.replace(b"</sheetData>", MERGE % b"D1:XFD1048576"), "D1:XFD1048576"),
    (lambda x: x.replace(b"</sheetData>", MERGE % b"D1:D200000"), "D1:D200000"),
])
def test_a_tiny_xlsx_claiming_a_huge_sheet_is_refused_before_any_grid_is_built(change, ref):
    data = _workbook(change)
    assert len(data) < 20_000
    started = time.monotonic()
    with pytest.raises(LoadError, match=f"d: u: xl/worksheets/sheet1.xml refers to {ref} .*over the "
                                        "100000-row / 500-column limit"):
        parse_xlsx(data, "utf-8", dataset_id="d", uri="u")
    assert time.monotonic() - started < 5
    assert parse_xlsx(_workbook(), "utf-8", dataset_id="d", uri="u").rows  # the plain report reads


def test_an_xlsx_whose_zip_lies_is_a_clear_load_error():
    data = bytearray(_workbook())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    data[start + 5] ^= 0xFF  # damage the compressed sheet: its CRC no longer matches
    with pytest.raises(LoadError, match="d: u: the .xlsx cannot be read"):
        parse_xlsx(bytes(data), "utf-8", dataset_id="d", uri="u")


def _report(*rows) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_row_of_units_under_the_xlsx_header_is_header_not_data():
    redundant = _report(["年份", "县区", "装机容量(万千瓦)"], [None, None, "万千瓦"], [2024, "巴州区", 1.5])
    table = parse_xlsx(redundant, "utf-8", dataset_id="d", uri="u")
    assert table.headers == ["年份", "县区", "装机容量(万千瓦)"]
    assert table.rows == [(3, ["2024", "巴州区", "1.5"])]
    new = _report(["年份", "县区", "装机容量"], ["单位：", "", "（万千瓦）"], [2024, "巴州区", 1.5])
    table = parse_xlsx(new, "utf-8", dataset_id="d", uri="u")
    assert table.headers == ["年份", "县区", "装机容量(万千瓦)"] and len(table.rows) == 1
    # a data row is never taken for units: its first cell (year, region) is filled
    plain = _report(["年份", "县区", "装机容量(万千瓦)"], [2024, "巴州区", "—"])
    assert parse_xlsx(plain, "utf-8", dataset_id="d", uri="u").rows == [(2, ["2024", "巴州区", "—"])]


def test_a_unit_row_repeating_the_group_heading_s_unit_is_header_however_it_is_laid_out():
    import openpyxl

    def report(units: list, label_rows: int) -> bytes:
        """发改委's layout: 年份/地区 merged down over `label_rows` rows (the unit row too, when
        3), the group heading 装机容量(万千瓦) over two kinds, then the units."""
        book = openpyxl.Workbook()
        sheet = book.active
        for row in (["年份", "地区", "装机容量(万千瓦)", None], [None, None, "水电", "风电"],
                    [None, None, *units], [2024, "巴州区", 1.5, 0.5]):
            sheet.append(row)
        for col in (1, 2):
            sheet.merge_cells(start_row=1, start_column=col, end_row=label_rows, end_column=col)
        sheet.merge_cells(start_row=1, start_column=3, end_row=1, end_column=4)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    heading = ["年份", "地区", "装机容量(万千瓦)/水电", "装机容量(万千瓦)/风电"]
    for units, label_rows in [(["万千瓦", "万千瓦"], 3), (["万 千瓦", "（万千瓦）"], 2)]:
        table = parse_xlsx(report(units, label_rows), "utf-8", dataset_id="d", uri="u")
        assert (table.headers, table.rows) == (heading, [(4, ["2024", "巴州区", "1.5", "0.5"])]), units
    # another unit is a changed heading, for a person to review
    assert parse_xlsx(report(["MW", "MW"], 2), "utf-8", dataset_id="d", uri="u").headers[2] \
        == "装机容量(万千瓦)/水电(MW)"


def test_json_pages_records_numbered_across_pages():
    doc = {"pages": [{"data": {"items": [{"a": 1, "b": "x"}], "pages": 2}},
                     {"data": {"items": [{"a": 2.5, "c": None}], "pages": 2}}]}
    table = parse_json_pages(json.dumps(doc).encode(), "utf-8", dataset_id="d", uri="u")
    assert table.headers == ["a", "b", "c"]
    assert table.rows == [(1, ["1", "x", ""]), (2, ["2.5", "", ""])]
    with pytest.raises(LoadError, match="not a paged API response"):
        parse_json_pages(b'{"items": []}', "utf-8", dataset_id="d", uri="u")


def test_nbs_easyquery_missing_cells_are_not_zero():
    doc = {"returncode": 200, "returndata": {
        "wdnodes": [
            {"wdcode": "zb", "nodes": [{"code": "A0201", "cname": "地区生产总值", "unit": "亿元"}]},
            {"wdcode": "reg", "nodes": [{"code": "511900", "cname": "巴中市"}]},
            {"wdcode": "sj", "nodes": [{"code": "2021", "cname": "2021年"}]}],
        "datanodes": [
            {"code": "zb.A0201_reg.511900_sj.2021",
             "data": {"data": 742.51, "strdata": "742.51", "hasdata": True, "dotcount": 2},
             "wds": [{"wdcode": "zb", "valuecode": "A0201"}, {"wdcode": "reg", "valuecode": "511900"},
                     {"wdcode": "sj", "valuecode": "2021"}]},
            {"code": "zb.A0201_reg.511900_sj.2022",
             "data": {"data": 0, "strdata": "", "hasdata": False, "dotcount": 2},
             "wds": [{"wdcode": "zb", "valuecode": "A0201"}, {"wdcode": "reg", "valuecode": "511900"},
                     {"wdcode": "sj", "valuecode": "2022"}]}]}}
    table = parse_nbs_easyquery(json.dumps(doc, ensure_ascii=False).encode(), "utf-8",
                                dataset_id="economy", uri="u")
    assert table.rows[0][1] == ["A0201", "地区生产总值", "亿元", "511900", "巴中市", "2021", "742.51", ""]
    assert table.rows[1][1][6] == ""  # hasdata false: missing, never 0


def test_units_in_cells_are_converted_from_the_seed_or_refused(tmp_path):
    ds = load_catalog()["waste_domestic_waste"]  # declared 万吨; typed at landing in t
    text = ("年份,县区,生活垃圾清运量(万吨),无害化处理量(万吨),数据说明\n"
            "2024,巴州区,12.5万吨,12.4,\n"
            "2024,恩阳区,125000吨,4,\n"
            "2024,通江县,3kg,1,\n")
    with duckdb.connect() as con:
        result = land(con, ds, FetchedFile("u", text.encode(), datetime.now(UTC)), tmp_path)
        assert (result.rows_landed, result.rows_quarantined) == (2, 1)
        typed = con.execute("SELECT collected, collected__value, harmless_treated__value FROM "
                            "raw.waste_domestic_waste ORDER BY _row_number").fetchall()
        rule, message = con.execute("SELECT rule, message FROM raw.quarantine").fetchone()
    assert typed == [("12.5万吨", 125000.0, 124000.0), ("125000吨", 125000.0, 40000.0)]
    assert rule == "unit_mismatch" and "line 4" in message and "is in kg, the contract says 万吨" in message


def test_paged_api_needs_the_token_and_reads_every_page(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "demo.json").write_text(json.dumps([{"i": i} for i in range(7)]))
    connector = HttpConnector(attempts=1)
    with serve_portal(root=tmp_path, token="s3cret") as url:
        fetched = connector.fetch_pages("demo", f"{url}/api/demo", token="s3cret", page_size=3)
        with pytest.raises(FetchError, match="401.*credentials"):
            connector.fetch_pages("demo", f"{url}/api/demo", token="wrong")
        with pytest.raises(FetchError, match="401.*no token sent"):
            connector.fetch("demo", f"{url}/api/demo")
        with pytest.raises(FetchError, match="3 pages, more than the 2-page limit"):
            connector.fetch_pages("demo", f"{url}/api/demo", token="s3cret", page_size=3, max_pages=2)
    pages = json.loads(fetched.data)["pages"]
    assert len(pages) == 3
    assert [r["i"] for p in pages for r in p["data"]["items"]] == list(range(7))


def test_listing_fetches_each_file_of_an_index(tmp_path):
    (tmp_path / "air").mkdir()
    (tmp_path / "air" / "index.json").write_text(json.dumps({"files": ["a.csv", "b.csv"]}))
    (tmp_path / "air" / "a.csv").write_text("x\n1\n")
    (tmp_path / "air" / "b.csv").write_text("x\n2\n")
    with serve_portal(root=tmp_path) as url:
        files = list(HttpConnector(attempts=1).fetch_listing("air", f"{url}/air/index.json"))
    assert [f.uri.rsplit("/", 1)[1] for f in files] == ["a.csv", "b.csv"]
    assert files[1].data == b"x\n2\n"


@pytest.mark.parametrize("entry", ["../../etc/passwd", "/etc/passwd", "http://elsewhere.example/a.csv",
                                   "%2e%2e/secret.csv", "a/../../b.csv", "a\\..\\b.csv", "./a.csv",
                                   "%252e%252e/x.csv"])
def test_a_listing_entry_outside_the_listing_s_folder_fetches_nothing(tmp_path, entry):
    (tmp_path / "air").mkdir()
    (tmp_path / "air" / "index.json").write_text(json.dumps({"files": ["a.csv", entry]}))
    (tmp_path / "air" / "a.csv").write_text("x\n1\n")
    (tmp_path / "secret.csv").write_text("do not fetch\n")
    with serve_portal(root=tmp_path) as url, pytest.raises(FetchError, match="leave the listing's folder"):
        list(HttpConnector(attempts=1).fetch_listing("air", f"{url}/air/index.json"))


def test_listing_entries_in_subfolders_are_fine(tmp_path):
    (tmp_path / "air" / "month=2025-01").mkdir(parents=True)
    (tmp_path / "air" / "index.json").write_text(json.dumps({"files": ["month=2025-01/data_0.csv"]}))
    (tmp_path / "air" / "month=2025-01" / "data_0.csv").write_text("x\n1\n")
    with serve_portal(root=tmp_path) as url:
        (f,) = HttpConnector(attempts=1).fetch_listing("air", f"{url}/air/index.json")
    assert f.data == b"x\n1\n"


def _land_sample(dataset_id: str, relative: str, tmp_path):
    ds = load_catalog()[dataset_id]
    data = (SAMPLE_DATA_DIR / relative).read_bytes()
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))  # Parquet-stored rows live beside it
    result = land(con, ds, FetchedFile(relative, data, datetime.now(UTC)), tmp_path)
    return con, result


def test_sample_nbs_easyquery_keeps_hasdata_false_empty_and_cites_published_cells(tmp_path):
    con, result = _land_sample("economy_gdp", "economy/easyquery_gdp.json", tmp_path)
    assert result.rows_quarantined == 0 and result.rows_landed == 3 * 6 * 12
    # 恩阳区 was created in 2013: its 2005 cells say hasdata=false and land empty
    assert con.execute("SELECT count(*) FROM raw.economy_gdp WHERE region = '恩阳区' AND year = '2005' "
                       "AND value IS NOT NULL AND value <> ''").fetchone()[0] == 0
    note = con.execute("SELECT data_note FROM raw.economy_gdp WHERE indicator_code = 'A020101' "
                       "AND region = '巴中市' AND year = '2021'").fetchone()[0]
    assert "公开数据" in note and "样例" not in note  # a published figure carries its source


def test_sample_gbk_csv_with_full_width_year_separators_units_in_cells_and_dashes(tmp_path):
    con, result = _land_sample("transport_statistics", "transport/green_transport.csv", tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (11, 0)
    year, freight, survey = con.execute(
        "SELECT year, freight_total, green_travel_share FROM raw.transport_statistics "
        "WHERE _row_number = 5").fetchone()
    assert year == "２０１８" and survey == "—"  # kept exactly as received
    assert con.execute("SELECT count(*) FROM raw.transport_statistics "
                       "WHERE freight_total LIKE '%,%万吨'").fetchone()[0] == 3


def test_sample_xlsx_report_of_another_department_lands_whole(tmp_path):
    _, result = _land_sample("industry_green_manufacturing", "industry/green_manufacturing.xlsx", tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (11, 0)


def test_hourly_feed_file_lands_and_a_bad_time_is_quarantined(tmp_path):
    ds = load_catalog()["air_hourly_readings"]
    con, result = _land_sample(ds.id, "air/hourly/BZ0001A_202502.csv", tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (28 * 24, 0)
    text = ("站点编码,站点名称,监测时间,PM2.5(μg/m³),PM10(μg/m³),SO2(μg/m³),NO2(μg/m³),CO(mg/m³),O3(μg/m³)\n"
            "BZ0001A,x,2025-03-01 01:00,30,50,6,20,0.6,40\n"
            "BZ0001A,x,2025-03-01 25:00:00X,30,50,6,20,0.6,40\n"
            "BZ0001A,x,2025-03-01 01:00,31,50,6,20,0.6,40\n")
    result = land(con, ds, FetchedFile("m.csv", text.encode(), datetime.now(UTC)), tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (1, 2)
    rules = con.execute("SELECT rule, field FROM raw.quarantine ORDER BY row_number").fetchall()
    assert rules == [("invalid_datetime", "hour"), ("duplicate_key", "station_code,hour")]
