"""File exports of the snapshot: one Parquet (typed; table and column descriptions in the
file's metadata), one CSV (UTF-8 with a BOM, CRLF, header row) and one XLSX (the data, and a
字段说明 sheet describing each column) per table. The SDMX files are publishing.sdmx_dataflow's."""

import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .files import replace_dir, temp_path
from .metadata import TableDoc
from .snapshot import open_snapshot


def with_descriptions(table: pa.Table, doc: TableDoc | None, name: str) -> pa.Table:
    doc = doc or TableDoc(name, "")
    fields = [f.with_metadata({"description": doc.describe(f.name)})
              if doc.describe(f.name) else f for f in table.schema]
    schema = pa.schema(fields, metadata={"table": name, "description": doc.description,
                                         "publisher": "Bazhong synergy data warehouse"})
    return pa.Table.from_arrays(table.columns, schema=schema)


def write_exports(publish_dir: Path, docs: dict[str, TableDoc]) -> dict[str, int]:
    """parquet/<table>.parquet, csv/<table>.csv and xlsx/<table>.xlsx for every snapshot table;
    each folder is built aside and swapped in. Returns rows per table."""
    folders = {kind: temp_path(publish_dir / kind) for kind in ("parquet", "csv", "xlsx")}
    for folder in folders.values():
        folder.mkdir()
    parquet_tmp, csv_tmp = folders["parquet"], folders["csv"]
    counts = {}
    with open_snapshot(publish_dir) as con:
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        indicators = indicator_labels(con, tables)
        for name in tables:
            doc = docs.get(name) or TableDoc(name, "")
            table = con.execute(f'SELECT * FROM "{name}"').fetch_arrow_table()
            pq.write_table(with_descriptions(table, doc, name),
                           parquet_tmp / f"{name}.parquet", compression="zstd")
            # CSV and XLSX are read by people: indicator values at the catalog's decimals
            # (float noise like 0.45378186968838524 is not a figure); Parquet keeps them whole
            shown = f"export_{name}"
            con.execute(f'CREATE OR REPLACE TEMP VIEW "{shown}" AS '
                        f'{rounded_select(name, table.column_names, doc, indicators)}')
            # RFC 4180: a header row, comma, quoting, CRLF line ends
            body = csv_tmp / f".{name}.body"
            con.execute(f"COPY ({csv_select(con, shown)}) TO '{body}' "
                        "(HEADER, DELIMITER ',', NEW_LINE '\r\n')")
            # UTF-8 with a BOM: the Chinese Excel that opens most of these files reads UTF-8
            # only with it (without, 巴中市 shows as 宸翠腑甯�); DuckDB, pandas, Polars and R's
            # readr skip it, Python's csv module wants encoding="utf-8-sig"
            with open(csv_tmp / f"{name}.csv", "wb") as out, open(body, "rb") as data:
                out.write(UTF8_BOM)
                shutil.copyfileobj(data, out)
            body.unlink()
            write_xlsx(con.execute(f'SELECT * FROM "{shown}"').fetch_arrow_table(), doc,
                       indicators, folders["xlsx"] / f"{name}.xlsx")
            counts[name] = table.num_rows
    for kind, folder in folders.items():
        replace_dir(folder, publish_dir / kind)
    return counts


def indicator_labels(con, tables: list[str]) -> dict[str, tuple[str, str, int]]:
    """indicator_code → (Chinese name, unit, decimals), from the snapshot's dim_indicator."""
    if "dim_indicator" not in tables:
        return {}
    return {code: (name, unit, decimals) for code, name, unit, decimals in con.execute(
        "SELECT indicator_code, name_zh, unit, decimals FROM dim_indicator").fetchall()}


def rounded_select(table: str, columns: list[str], doc: TableDoc,
                   indicators: dict[str, tuple[str, str, int]]) -> str:
    """SELECT of `table` with each indicator value at its catalog decimals (round half to
    even, GB/T 8170): a column that carries an indicator (the YAML's meta.indicator), and in
    long form (the fact, target progress) each value at its own row's indicator's."""
    replace = [f'round_even("{c}", {indicators[code][2]}) AS "{c}"'
               for c, code in doc.indicators.items() if code in indicators and c in columns]
    # long form (the fact, target progress): values of the row's own indicator
    by_row = [c for c in columns if c == "obs_value" or c.endswith("indicator_value")]
    if "indicator_code" in columns and by_row and indicators:
        cases = " ".join(f"WHEN '{code}' THEN {d}" for code, (_, _, d) in indicators.items())
        replace += [f'round_even("{c}", CASE indicator_code {cases} END) AS "{c}"' for c in by_row]
    select = f"* REPLACE ({', '.join(replace)})" if replace else "*"
    return f'SELECT {select} FROM "{table}"'


def xlsx_headers(doc: TableDoc, columns: list[str]) -> list[str]:
    """The 数据 sheet's header: each column's Chinese name, unique in the table (a name two
    columns share gets the column name beside it; none: the column name)."""
    names = [doc.name_zh(c) or c for c in columns]
    return [f"{n}（{c}）" if names.count(n) > 1 else n for n, c in zip(names, columns, strict=True)]


def write_xlsx(table: pa.Table, doc: TableDoc, indicators: dict[str, tuple[str, str, int]],
               path: Path) -> None:
    """One workbook: sheet 数据 (one header row of Chinese names, so a spreadsheet and
    pandas.read_excel read it as a table; then the rows: numbers stay numbers, text that
    starts like a formula is written as text, as in the CSV) and sheet 字段说明 (each column:
    its Chinese name, its column name as in every other file, its unit where it carries an
    indicator, and its description, Chinese first)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    data = book.create_sheet("数据")
    labels = {c: indicators.get(code, ("", "", None))[:2] for c, code in doc.indicators.items()}

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(data, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        # and marked as text (Excel's leading apostrophe), so editing the cell keeps it text
        cell.quotePrefix = bool(re.match(FORMULA_START, value))
        return cell

    headers = xlsx_headers(doc, table.column_names)
    data.append([text(h) for h in headers])
    for row in table.to_pylist():
        data.append([text(v) if isinstance(v, str) else v for v in row.values()])
    fields = book.create_sheet("字段说明")
    fields.append(["中文名称", "字段 column", "单位 unit", "说明 description"])
    for header, column in zip(headers, table.column_names, strict=True):
        fields.append([header, column, labels.get(column, ("", ""))[1], doc.comment(column)])
    book.save(path)


UTF8_BOM = b"\xef\xbb\xbf"

# A text cell a spreadsheet would run as a formula (OWASP, CSV injection) gets a leading
# apostrophe in the CSV, so Excel and LibreOffice show it as text. Numbers stay numbers.
FORMULA_START = r"^[=+\-@\t\r]"


def csv_select(con, table: str) -> str:
    """SELECT of `table` for the CSV export, its text columns neutralised (FORMULA_START)."""
    columns = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                          "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
    neutral = """CASE WHEN regexp_matches("{c}", '{start}') THEN '''' || "{c}" ELSE "{c}" END AS "{c}" """
    cells = [neutral.format(c=c, start=FORMULA_START) if t == "VARCHAR" else f'"{c}"' for c, t in columns]
    return f'SELECT {", ".join(cells)} FROM "{table}"'
