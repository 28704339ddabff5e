"""CSV exports never carry a spreadsheet formula: text cells that begin like one are
neutralised (OWASP CSV injection); numbers and ordinary text are written as they are."""

import csv

import duckdb

from publishing import SNAPSHOT_NAME, write_exports


def test_text_cells_that_start_like_a_formula_are_neutralised_in_csv(tmp_path):
    with duckdb.connect(str(tmp_path / SNAPSHOT_NAME)) as con:
        con.execute("""CREATE TABLE notes AS SELECT * FROM (VALUES
            ('=HYPERLINK("http://x","y")', -2.5), ('+cmd|'' /C calc''!A0', 1.0), ('@SUM(A1)', 2.0),
            ('-2+3+cmd', 3.0), (E'\tlead', 4.0), (E'\rlead', 5.0), ('巴中市 a-b=c', -6.0), (NULL, NULL)
            ) v(note, value)""")
    assert write_exports(tmp_path, {}) == {"notes": 8}
    raw = (tmp_path / "csv" / "notes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfnote,value\r\n")  # BOM for Excel, CRLF as RFC 4180 says
    with open(tmp_path / "csv" / "notes.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["note", "value"]
    notes = [r[0] for r in rows[1:]]
    assert notes[:6] == ["'=HYPERLINK(\"http://x\",\"y\")", "'+cmd|' /C calc'!A0", "'@SUM(A1)", "'-2+3+cmd",
                         "'\tlead", "'\rlead"]
    assert notes[6:] == ["巴中市 a-b=c", ""]  # ordinary text as it is
    assert [r[1] for r in rows[1:]] == ["-2.5", "1.0", "2.0", "3.0", "4.0", "5.0", "-6.0", ""]  # numbers stay


def test_xlsx_keeps_formula_like_text_as_text_and_describes_each_column(tmp_path):
    from openpyxl import load_workbook

    from publishing import TableDoc

    with duckdb.connect(str(tmp_path / SNAPSHOT_NAME)) as con:
        con.execute("CREATE TABLE notes AS SELECT * FROM (VALUES ('=SUM(A1)', 2.5), ('巴中市', 3.0)) "
                    "v(note, value)")
    docs = {"notes": TableDoc("notes", "Notes", {"note": "A note", "value": "A value"},
                              chinese={"note": ("备注", "说明事项")})}
    write_exports(tmp_path, docs)
    book = load_workbook(tmp_path / "xlsx" / "notes.xlsx")
    data = book["数据"]
    # one header row: Chinese names (the column's own name where it has none), then the rows
    assert [c.value for c in data[1]] == ["备注", "value"]
    formula = data["A2"]
    assert (formula.value, formula.data_type, formula.quotePrefix) == ("=SUM(A1)", "s", True)
    assert data["B2"].value == 2.5 and data["A3"].value == "巴中市" and not data["A3"].quotePrefix
    assert [r for r in book["字段说明"].iter_rows(min_row=2, values_only=True)] == [
        ("备注", "note", None, "备注：说明事项。A note"), ("value", "value", None, "A value")]
    import pandas as pd

    frame = pd.read_excel(tmp_path / "xlsx" / "notes.xlsx", sheet_name="数据")
    assert list(frame.columns) == ["备注", "value"] and len(frame) == 2


def test_csv_and_xlsx_show_indicator_values_at_the_catalog_decimals_parquet_keeps_them(tmp_path):
    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    from publishing import TableDoc

    with duckdb.connect(str(tmp_path / SNAPSHOT_NAME)) as con:
        con.execute("""CREATE TABLE dim_indicator AS SELECT * FROM (VALUES
            ('share', '比重', '%', 2), ('amount', '数量', 't', 0))
            v(indicator_code, name_zh, unit, decimals)""")
        con.execute("""CREATE TABLE mart AS SELECT 0.45378186968838524::DOUBLE AS share_pct,
            12.5::DOUBLE AS amount_t, 0.125::DOUBLE AS other""")
        con.execute("""CREATE TABLE fct AS SELECT * FROM (VALUES
            ('share', 41.23456::DOUBLE), ('amount', 1308.5::DOUBLE)) v(indicator_code, obs_value)""")
    docs = {"mart": TableDoc("mart", "", {}, {"share_pct": "share", "amount_t": "amount"}),
            "fct": TableDoc("fct", "", {"indicator_code": "", "obs_value": ""})}
    write_exports(tmp_path, docs)
    lines = (tmp_path / "csv" / "mart.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "0.45,12.0,0.125"  # half to even: 12.5 → 12; no indicator: as it is
    assert (tmp_path / "csv" / "fct.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "share,41.23", "amount,1308.0"]
    assert load_workbook(tmp_path / "xlsx" / "mart.xlsx")["数据"]["A2"].value == 0.45
    kept = pq.read_table(tmp_path / "parquet" / "mart.parquet")["share_pct"][0].as_py()
    assert abs(kept - 0.45378186968838524) < 1e-15  # full precision
