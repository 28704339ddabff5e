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
