"""Raw landing: every row received is landed or quarantined with a rule and a message that
names source, file, line and field; whole-file problems fail loudly and land nothing."""

import re
from datetime import UTC, datetime

import duckdb
import pytest

from ingestion import FetchedFile, FileDropConnector, LoadError, load_catalog
from tests.helpers import land

DOMESTIC = load_catalog()["waste_domestic_waste"]
INDUSTRIAL = load_catalog()["waste_industrial_solid_waste"]
HEADER = "年份,县区,生活垃圾清运量(万吨),无害化处理量(万吨),数据说明\n"


def fetched(text: str, encoding: str = "utf-8", uri: str = "http://portal/domestic.csv"):
    return FetchedFile(uri, text.encode(encoding), datetime.now(UTC))


@pytest.fixture
def con(tmp_path):
    """A warehouse file: the datasets stored as Parquet keep their files beside it."""
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as c:
        yield c


def quarantine(con):
    return con.execute("SELECT row_number, rule, field, message FROM raw.quarantine "
                       "ORDER BY row_number").fetchall()


def test_clean_file_lands_every_row_as_text_with_load_columns(con, tmp_path):
    result = land(con, DOMESTIC, fetched(HEADER + "2024,巴州区,20.5,20.4,样例数据\n"), tmp_path)
    assert (result.status, result.rows_received, result.rows_landed) == ("landed", 1, 1)
    row = con.execute("SELECT year, region, collected, _row_number, _source_sha256, _load_id "
                      "FROM raw.waste_domestic_waste").fetchone()
    assert row[:4] == ("2024", "巴州区", "20.5", 2)
    assert row[4] == result.sha256 and row[5] == result.load_id
    archived = tmp_path / DOMESTIC.id / f"{result.sha256}.csv"
    assert archived.read_bytes() == fetched(HEADER + "2024,巴州区,20.5,20.4,样例数据\n").data


def test_bad_rows_go_to_quarantine_with_rule_line_and_field(con, tmp_path):
    text = HEADER + "\n".join([
        "2024,巴州区,20.5,20.4,",        # line 2: fine
        "2024,成都市,1,1,",              # line 3: unknown region
        "2024,恩阳区,abc,1,",            # line 4: not a number
        "2024,通江县,-3,1,",             # line 5: negative tonnage
        "2024,巴州,9,9,",                # line 6: same key as line 2 (巴州 = 巴州区)
        "2024,南江县,,1,",               # line 7: required value missing
        "2024,平昌县,1,1",               # line 8: too few cells
        "二〇二四,平昌县,1,1,",          # line 9: not a year
    ]) + "\n"
    result = land(con, DOMESTIC, fetched(text), tmp_path)
    assert (result.rows_received, result.rows_landed, result.rows_quarantined) == (8, 1, 7)
    rows = quarantine(con)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (3, "unknown_region", "region"),
        (4, "not_a_number", "collected"),
        (5, "below_minimum", "collected"),
        (6, "duplicate_key", "year,region"),
        (7, "required_missing", "collected"),
        (8, "ragged_row", None),
        (9, "invalid_year", "year"),
    ]
    for _, _, _, message in rows:
        assert message.startswith("waste_domestic_waste: http://portal/domestic.csv: line ")
    assert "成都市" in rows[0][3] and "line 2" in rows[3][3]
    log = con.execute("SELECT rows_received, rows_landed, rows_quarantined, status "
                      "FROM raw.load_log").fetchone()
    assert log == (8, 1, 7, "landed")


def test_full_width_digits_short_names_and_missing_markers_are_accepted(con, tmp_path):
    text = HEADER + "２０２４,　平昌　,１，２３４.５,—,\n"
    missing = land(con, DOMESTIC, fetched(text), tmp_path)  # '—' is a missing marker
    assert (missing.rows_landed, missing.rows_quarantined) == (0, 1)
    assert quarantine(con)[0][1:3] == ("required_missing", "harmless_treated")  # a required field
    ok = HEADER + "２０２４,　平昌　,１，２３４.５,１２００,\n"
    result = land(con, DOMESTIC, fetched(ok), tmp_path)
    assert result.rows_landed == 1
    # raw keeps the cell exactly as received
    assert con.execute("SELECT region, collected FROM raw.waste_domestic_waste").fetchone() == (
        "　平昌　", "１，２３４.５")


def test_same_bytes_are_never_landed_twice(con, tmp_path):
    f = fetched(HEADER + "2024,巴州区,20.5,20.4,\n")
    first = land(con, DOMESTIC, f, tmp_path)
    again = land(con, DOMESTIC, fetched(HEADER + "2024,巴州区,20.5,20.4,\n"), tmp_path)
    assert again.status == "unchanged" and again.load_id == first.load_id
    assert con.execute("SELECT count(*) FROM raw.waste_domestic_waste").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM raw.load_log").fetchone()[0] == 1


def test_a_source_going_back_to_earlier_bytes_lands_them_as_the_newest_vintage(con, tmp_path):
    good, bad = HEADER + "2024,巴州区,20.5,20.4,\n", HEADER + "2024,巴州区,20.5,-1,\n"
    # the portal on another port each run: still the same source
    first = land(con, DOMESTIC, fetched(good, uri="http://127.0.0.1:4001/d.csv"), tmp_path)
    land(con, DOMESTIC, fetched(bad, uri="http://127.0.0.1:4002/d.csv"), tmp_path)
    back = land(con, DOMESTIC, fetched(good, uri="http://127.0.0.1:4003/d.csv"), tmp_path)
    assert back.status == "landed" and back.load_id > first.load_id
    again = land(con, DOMESTIC, fetched(good, uri="http://127.0.0.1:4004/d.csv"), tmp_path)
    assert again.status == "unchanged"


def test_missing_required_column_fails_the_file_and_lands_nothing(con, tmp_path):
    text = "年份,县区,生活垃圾清运量(吨),无害化处理量(万吨)\n2024,巴州区,205000,20.4\n"
    with pytest.raises(LoadError) as err:
        land(con, DOMESTIC, fetched(text), tmp_path)
    assert "line 1" in str(err.value) and "生活垃圾清运量(万吨)" in str(err.value)
    assert con.execute("SELECT count(*) FROM raw.waste_domestic_waste").fetchone()[0] == 0
    assert con.execute("SELECT status, error IS NOT NULL FROM raw.load_log").fetchone() == (
        "failed", True)


def test_wrong_encoding_is_a_clear_error(con, tmp_path):
    text = "年份,地区,产生量(万吨)\n2024,巴州区,1\n"
    with pytest.raises(LoadError, match="line 1: bytes are not valid utf-8"):
        land(con, DOMESTIC, fetched(text, encoding="gb18030"), tmp_path)


def test_gb18030_file_with_unknown_extra_column_keeps_it(con, tmp_path):
    text = ("年份,地区,产生量(万吨),综合利用量(万吨),其中利用往年贮存量(万吨),备注\n"
            "2024,南江县,40.1,30.2,1.1,核实数\n")
    result = land(con, INDUSTRIAL, fetched(text, encoding="gb18030"), tmp_path)
    assert result.rows_landed == 1
    extra, disposed = con.execute(
        "SELECT _extra, disposed FROM raw.waste_industrial_solid_waste").fetchone()
    assert extra == '{"备注":"核实数"}' and disposed is None


def test_file_drop_connector_lands_each_file_once(con, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "2023.csv").write_text(HEADER + "2023,巴州区,20,19,\n", encoding="utf-8")
    (drop / "2024.csv").write_text(HEADER + "2024,巴州区,21,20,\n", encoding="utf-8")
    (drop / "notes.txt").write_text("not data")
    connector = FileDropConnector(drop)
    for _ in range(2):  # the second pass finds the same bytes and lands nothing
        results = [land(con, DOMESTIC, f, tmp_path / "archive")
                   for f in connector.fetch_all(DOMESTIC.id, "*.csv")]
    assert [r.status for r in results] == ["unchanged", "unchanged"]
    assert con.execute("SELECT count(*) FROM raw.waste_domestic_waste").fetchone()[0] == 2
    uris = [r[0] for r in con.execute("SELECT source_uri FROM raw.load_log ORDER BY 1").fetchall()]
    assert uris[0].startswith("file://") and uris[0].endswith("2023.csv")


def test_a_drop_file_named_in_chinese_reads_as_its_name_and_stays_one_source(con, tmp_path):
    drop = tmp_path / "农业农村局"
    drop.mkdir()
    (drop / "生活垃圾_2024.csv").write_text(HEADER + "2024,巴州区,-1,0,\n", encoding="utf-8")
    (found,) = FileDropConnector(tmp_path).fetch_all(DOMESTIC.id, "*/*.csv")
    assert found.uri == f"file://{tmp_path.as_posix()}/农业农村局/生活垃圾_2024.csv"
    land(con, DOMESTIC, found, tmp_path / "archive")
    assert "农业农村局/生活垃圾_2024.csv: line 2: collected" in quarantine(con)[0][3]
    # landed before as a percent-encoded URI (drop files were named so until now): the same
    # bytes under the readable name are the same source, unchanged, not a new vintage
    con.execute("UPDATE raw.load_log SET source_uri = ?", [(drop / "生活垃圾_2024.csv").as_uri()])
    assert "%E5" in con.execute("SELECT source_uri FROM raw.load_log").fetchone()[0]
    assert land(con, DOMESTIC, found, tmp_path / "archive").status == "unchanged"


@pytest.mark.parametrize(("tail", "said"), [
    ("2024,平昌县,1", "ends mid-row (3 of 5 cells, no line end)"),
    ('2024,平昌县,1,1,"样例', "ends inside a quoted cell"),
    ("2024,平昌县,1,1,样".encode()[:-1], "ends in half a character"),
])
def test_a_csv_body_cut_mid_row_fails_whole_and_lands_no_vintage(con, tmp_path, tail, said):
    body = (HEADER + "2024,巴州区,20.5,20.4,样例数据\n").encode()
    data = body + (tail if isinstance(tail, bytes) else tail.encode())
    with pytest.raises(LoadError, match=re.escape(f"domestic.csv: line 3: the file {said}")):
        land(con, DOMESTIC, FetchedFile("http://portal/domestic.csv", data, datetime.now(UTC)), tmp_path)
    assert con.execute("SELECT status, rows_landed FROM raw.load_log").fetchall() == [("failed", 0)]
    # a last row that is whole but has no line end is a complete file
    whole = body + "2024,平昌县,1,1,样例数据".encode()
    assert land(con, DOMESTIC, FetchedFile("http://portal/domestic.csv", whole, datetime.now(UTC)),
                tmp_path).rows_landed == 2


def test_sources_resource_reads_a_drop_dataset_from_the_drop_folder(tmp_path):
    from dataclasses import replace

    from orchestration.resources import SourcesResource

    drop_ds = replace(DOMESTIC, url=None, drop_glob="zjj/domestic_*.csv")
    (tmp_path / "zjj").mkdir()
    (tmp_path / "zjj" / "domestic_2024.csv").write_text(HEADER + "2024,巴州区,21,20,\n")
    sources = SourcesResource(portal_url="http://127.0.0.1:1", drop_dir=str(tmp_path),
                              archive_dir=str(tmp_path / "archive"))
    files = sources.fetch(drop_ds)
    assert [f.uri.rsplit("/", 1)[-1] for f in files] == ["domestic_2024.csv"]


# --- the hourly feed: cell-level quarantine, batches of files -------------------------------

AIR = load_catalog()["air_hourly_readings"]
AIR_HEADER = ("站点编码,站点名称,监测时间,PM2.5(μg/m³),PM10(μg/m³),SO2(μg/m³),NO2(μg/m³),CO(mg/m³),"
              "O3(μg/m³),备注\n")
AIR_ROWS = [
    "BZ0001A,站（样例）,2025-12-01 01:00,62,99,9,25,0.76,10,",       # line 2: fine
    "BZ0001A,站（样例）,2025-12-01 02:00,—,99,9,25,0.76,10,x",       # line 3: missing marker is fine
    "BZ0001A,站（样例）,2025-12-01 03:00,abc,99,9,25,0.76,10,",      # line 4: not a number
    "BZ0001A,站（样例）,2025-12-01 04:00,62,-1,9,25,0.76,10,",       # line 5: below minimum
    "BZ0001A,站（样例）,2025-12-01 05:00,62,99,9,25,999,10,",        # line 6: above maximum
    "BZ0001A,站（样例）,2025-12-01 06,62,99,9,25,0.76,10,",          # line 7: bad time
    ",站（样例）,2025-12-01 07:00,62,99,9,25,0.76,10,",              # line 8: station missing
    "BZ0001A,站（样例）,2025-12-01 01:00,1,1,1,1,0.1,1,",            # line 9: same key as line 2
    "BZ0001A,站（样例）,2025-12-01 08:00,62,99",                     # line 10: too few cells
    "BZ0001A,站（样例）,2025-12-01 09:00,62,99,9,25,0.76,10,,extra", # line 11: too many cells
    "BZ0001A,站（样例）,2025-12-01 10:00,nan,x,9,25,0.76,-5,",      # line 12: two problems
    "BZ0001A,站（样例）,2025-12-01 11:00,1 2,99,9,25,0.76,10,",      # line 13: space removed: 12
    "BZ0001A,站（样例）,2025-12-01 03:00,62,99,9,25,0.76,10,",       # line 14: line 4 did not land
]


def land_air(tmp_path, text: str):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as c:
        result = land(c, AIR, fetched(text, uri="http://p/a.csv"), tmp_path)
        return (
            result,
            c.execute(f"SELECT _row_number, pm25, pm25__value, pm10__value, co__value, o3__value "
                      f"FROM {AIR.raw_table} ORDER BY _row_number").fetchall(),
            c.execute("SELECT row_number, scope, rule, field FROM raw.quarantine ORDER BY 1, 4").fetchall(),
            c.execute("SELECT row_number, message FROM raw.quarantine ORDER BY 1, field").fetchall(),
        )


def test_a_bad_reading_quarantines_its_cell_and_the_hour_s_other_pollutants_land(tmp_path):
    result, landed, quarantined, _ = land_air(tmp_path, AIR_HEADER + "\n".join(AIR_ROWS) + "\n")
    assert [r[0] for r in landed] == [2, 3, 4, 5, 6, 12, 13]  # _row_number: the file's line
    by_line = {r[0]: r[1:] for r in landed}
    assert by_line[4] == ("abc", None, 99.0, 0.76, 10.0)  # text as received, the bad cell untyped
    assert by_line[3][:2] == ("—", None)  # a missing marker: no value, no quarantine
    assert by_line[12] == ("nan", None, None, 0.76, None)
    assert by_line[13][1] == 12.0  # white space inside a number is dropped
    assert quarantined == [
        (4, "cell", "not_a_number", "pm25"), (5, "cell", "below_minimum", "pm10"),
        (6, "cell", "above_maximum", "co"), (7, "row", "invalid_datetime", "hour"),
        (8, "row", "required_missing", "station_code"), (9, "row", "duplicate_key", "station_code,hour"),
        (10, "row", "ragged_row", None), (11, "row", "ragged_row", None),
        (12, "cell", "below_minimum", "o3"), (12, "cell", "not_a_number", "pm10"),
        (12, "cell", "not_a_number", "pm25"),
        (14, "row", "duplicate_key", "station_code,hour")]
    # accounting at both levels: 13 rows (9 fields each) received
    assert (result.rows_received, result.rows_landed, result.rows_quarantined) == (13, 7, 6)
    cells = (result.cells_received, result.cells_landed, result.cells_quarantined)
    assert cells == (117, 117 - 54 - 6, 54 + 6)


def test_every_problem_of_a_row_is_named(tmp_path):
    _, _, _, messages = land_air(tmp_path, AIR_HEADER + AIR_ROWS[10].replace("2025-12-01 10:00", "x") + "\n")
    (_, message), = messages
    assert message == ("air_hourly_readings: http://p/a.csv: line 2: hour: 监测时间 = 'x' is not a time "
                       "like 2025-01-31 14:00; pm25: PM2.5(μg/m³) = 'nan' is not a number; pm10: "
                       "PM10(μg/m³) = 'x' is not a number; o3: O3(μg/m³) = '-5' is below 0")


def test_files_with_blank_lines_or_quoted_line_breaks_keep_their_line_numbers(tmp_path):
    text = (AIR_HEADER + AIR_ROWS[0] + "\n\n" + AIR_ROWS[3] + "\n"
            + 'BZ0001A,"站\n（样例）",2025-12-01 05:00,1,1,1,1,0.1,1,\n' + AIR_ROWS[4] + "\n")
    _, landed, quarantined, _ = land_air(tmp_path, text)
    assert [r[0] for r in landed] == [2, 4, 5]
    assert [(r[0], r[2]) for r in quarantined] == [(4, "below_minimum"), (7, "duplicate_key")]


def test_the_files_of_a_batch_land_in_one_statement_each_as_its_own_load(tmp_path):
    from ingestion.landing import land_batch

    files = [fetched(AIR_HEADER + row + "\n", uri=f"http://p/{i}.csv") for i, row in enumerate(AIR_ROWS[:4])]
    files.append(fetched(AIR_HEADER + AIR_ROWS[0] + "\n\n", uri="http://p/blank.csv"))  # parsed instead
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as c:
        results = land_batch(c, AIR, files, tmp_path)
        logged = c.execute("SELECT source_uri, rows_received, rows_landed, cells_quarantined "
                           "FROM raw.load_log ORDER BY source_uri").fetchall()
        per_load = c.execute(f"SELECT _source_uri, _row_number FROM {AIR.raw_table} ORDER BY 1").fetchall()
    assert [r.status for r in results] == ["landed"] * 5
    assert logged == [("http://p/0.csv", 1, 1, 0), ("http://p/1.csv", 1, 1, 0), ("http://p/2.csv", 1, 1, 1),
                      ("http://p/3.csv", 1, 1, 1), ("http://p/blank.csv", 1, 1, 0)]
    assert all(line == 2 for _, line in per_load)


@pytest.mark.parametrize("dataset", ["waste_domestic_waste", "air_hourly_readings"])  # Python and SQL landing
def test_an_html_page_served_as_the_file_is_named_as_one(con, tmp_path, dataset):
    page = "<!DOCTYPE html>\n<html><head><title>系统维护</title></head><body>维护中</body></html>\n"
    with pytest.raises(LoadError, match="answered with an HTML page, not csv"):
        land(con, load_catalog()[dataset], fetched(page, encoding="gb18030"), tmp_path)
    assert con.execute("SELECT status FROM raw.load_log").fetchall() == [("failed",)]  # recorded


def test_the_url_the_bytes_came_from_after_a_redirect_is_kept(con, tmp_path):
    # a warehouse from before final_uri existed gets the column
    con.execute("CREATE SCHEMA raw; CREATE TABLE raw.load_log (load_id VARCHAR PRIMARY KEY, "
                "dataset_id VARCHAR NOT NULL, source_uri VARCHAR NOT NULL, source_sha256 VARCHAR NOT NULL, "
                "archive_path VARCHAR NOT NULL, fetched_at TIMESTAMPTZ NOT NULL, landed_at TIMESTAMPTZ, "
                "rows_received INTEGER NOT NULL, rows_landed INTEGER NOT NULL, "
                "rows_quarantined INTEGER NOT NULL, status VARCHAR NOT NULL, error VARCHAR)")
    moved = FetchedFile("http://portal/domestic.csv", (HEADER + "2024,巴州区,20.5,20.4,\n").encode(),
                        datetime.now(UTC), final_uri="http://portal/v2/domestic.csv")
    land(con, DOMESTIC, moved, tmp_path)
    assert con.execute("SELECT source_uri, final_uri FROM raw.load_log").fetchall() == [
        ("http://portal/domestic.csv", "http://portal/v2/domestic.csv")]


def test_a_warehouse_from_before_typed_columns_is_migrated_in_place(con, tmp_path):
    # the raw table and quarantine as the first release made them: text only, a row key
    con.execute("CREATE SCHEMA raw; CREATE TABLE raw.quarantine (load_id VARCHAR NOT NULL, "
                "dataset_id VARCHAR NOT NULL, row_number INTEGER NOT NULL, rule VARCHAR NOT NULL, "
                "field VARCHAR, message VARCHAR NOT NULL, record VARCHAR NOT NULL, "
                "PRIMARY KEY (load_id, row_number))")
    con.execute("INSERT INTO raw.quarantine VALUES ('old', 'waste_domestic_waste', 3, 'not_a_number', "
                "'collected', 'm', '{}')")
    con.execute("CREATE TABLE raw.waste_domestic_waste (year VARCHAR, region VARCHAR, collected VARCHAR, "
                "harmless_treated VARCHAR, data_note VARCHAR, _extra VARCHAR, _load_id VARCHAR, "
                "_row_number INTEGER, _source_uri VARCHAR, _source_sha256 VARCHAR, _fetched_at TIMESTAMPTZ)")
    con.execute("INSERT INTO raw.waste_domestic_waste VALUES ('2023年', '巴州', '12.5', '1,200吨', '', NULL, "
                "'old', 2, 'u', 's', now())")
    land(con, DOMESTIC, fetched(HEADER + "2024,巴州区,20.5,20.4,\n"), tmp_path)
    assert con.execute("SELECT year__value, region__code, collected__value, harmless_treated__value "
                       "FROM raw.waste_domestic_waste WHERE _load_id = 'old'").fetchall() == [
        (2023, "511902", 125000.0, 1200.0)]  # typed from the text by the same SQL
    assert con.execute("SELECT load_id, scope, rule FROM raw.quarantine").fetchall() == [
        ("old", "row", "not_a_number")]  # kept, now with a scope and without the row key


RURAL = load_catalog()["water_rural_environment"]
HAZARDOUS = load_catalog()["waste_hazardous_waste"]


def test_a_part_above_its_whole_is_quarantined_for_every_rate_the_catalog_declares(con, tmp_path):
    """The rule comes from seeds/indicators.csv (numerator, denominator), not per source: manure
    utilised above manure generated had no rule when it was declared by hand per field."""
    header = ",".join(f.header for f in RURAL.fields) + "\n"
    row = "2024,巴州区,310,133,18.0,14.04,3600,2880,{generated},{utilized},120,103,sample\n"
    text = header + row.format(generated="184.4", utilized="190.0") \
        + row.format(generated="184.4", utilized="184.4").replace("巴州区", "恩阳区")
    result = land(con, RURAL, fetched(text, RURAL.encoding, "http://p/rural.csv"), tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (1, 1)  # equal is 100 %, fine
    (line, rule, field, message), = quarantine(con)
    assert (line, rule, field) == (2, "part_exceeds_whole", "manure_utilized")
    assert message.endswith("畜禽粪污综合利用量(万吨) = '190.0' is more than 畜禽粪污产生量(万吨) = "
                            "'184.4' (the numerator and denominator of livestock_manure_utilization_rate)")


def test_a_rate_with_a_sum_for_its_whole_compares_the_sum(con, tmp_path):
    """utilised / (generated + utilised from storage): utilised may exceed what was generated
    in the year, not the sum."""
    header = ",".join(f.header for f in INDUSTRIAL.fields) + "\n"
    text = header + "2024,巴州区,10,11,2,0,1,\n2024,恩阳区,10,13,2,0,1,\n"
    result = land(con, INDUSTRIAL, fetched(text, INDUSTRIAL.encoding, "http://p/i.csv"), tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (1, 1)
    (line, rule, field, message), = quarantine(con)
    assert (line, rule, field) == (3, "part_exceeds_whole", "utilized")
    assert ("综合利用量(万吨) = '13' is more than 产生量(万吨) = '10' + "
            "其中利用往年贮存量(万吨) = '2'") in message


def test_a_city_total_row_in_a_county_file_is_caught_at_landing_with_its_line(con, tmp_path):
    text = HEADER + "2024,巴州区,20.5,20.4,\n2024,全市,80.1,79.9,合计\n"
    result = land(con, DOMESTIC, fetched(text), tmp_path)
    assert (result.rows_landed, result.rows_quarantined) == (1, 1)
    (line, rule, field, message), = quarantine(con)
    assert (line, rule, field) == (3, "region_not_reported", "region")
    assert message.startswith("waste_domestic_waste: http://portal/domestic.csv: line 3: region: "
                              "县区 = '全市' is 511900, a region this dataset does not report")
