"""Turn fetched bytes into a header and text rows, keeping every value exactly as received."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime

from .rules import normalize_name


class LoadError(Exception):
    """A whole file cannot be landed. The message names the source, file, row and field."""


@dataclass(frozen=True)
class ParsedTable:
    headers: list[str]
    # (position in the source, cells as received): the CSV line (header = line 1), the
    # spreadsheet row, or the JSON record number, as `position` names it.
    rows: list[tuple[int, list[str]]]
    position: str = "line"


def _codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding


def decode(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> str:
    try:
        return data.decode(_codec(encoding))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(
            f"{dataset_id}: {uri}: line {line}: bytes are not valid {encoding} "
            f"({exc.reason} at byte {exc.start}); the catalog declares encoding {encoding!r}: "
            "check what the department sends and correct `encoding` in sources.yml"
        ) from exc


def parse_csv(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    text = decode(data, encoding, dataset_id=dataset_id, uri=uri)
    reader = csv.reader(io.StringIO(text, newline=""))
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    line = 0
    for cells in reader:
        start = line + 1
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank lines carry no data
        if headers is None:
            headers = cells
            continue
        rows.append((start, cells))
    if headers is None:
        raise LoadError(f"{dataset_id}: {uri}: the file is empty (no header row)")
    return ParsedTable(headers=headers, rows=rows)


NEWLINE = b"\n"


def refuse_cut_csv(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> None:
    """A body cut mid-row (a connection closed early with no Content-Length to tell) is a
    damaged file, not a new vintage: no line end after the last row, and that row has fewer
    cells than the heading, or an open quote, or half a character."""
    if not data or data.endswith(b"\n") or b"\n" not in data.rstrip(b"\r"):
        return  # complete, or a heading alone
    where = f"{dataset_id}: {uri}: line {data.count(NEWLINE) + 1}"
    try:
        rows = list(csv.reader(io.StringIO(data.decode(_codec(encoding)), newline=""), strict=True))
    except UnicodeDecodeError:
        raise LoadError(f"{where}: the file ends in half a character and no line end: a body cut "
                        "short? Nothing was landed") from None
    except csv.Error:
        raise LoadError(f"{where}: the file ends inside a quoted cell: a body cut short? "
                        "Nothing was landed") from None
    if len(rows[-1]) < len(rows[0]):
        raise LoadError(f"{where}: the file ends mid-row ({len(rows[-1])} of {len(rows[0])} cells, no "
                        "line end): a body cut short? Nothing was landed")


# --- XLSX statistical reports (统计报表) --------------------------------------------------

MAX_XLSX_UNCOMPRESSED = 64 * 1024 * 1024  # an .xlsx is a zip: refuse zip bombs
# A 统计报表 is a few hundred rows by a few dozen columns: a sheet (or a merged range) that
# claims more is refused before a grid is built (a 6 KB file with one cell at XFD1048576
# would otherwise ask for 17 billion cells).
MAX_XLSX_ROWS = 100_000
MAX_XLSX_COLUMNS = 500
NOTE_PREFIXES = ("注", "说明", "备注", "资料来源", "数据来源", "填报说明", "注：", "注:")
# What the first cell of a unit row under a header may say (else it is empty).
UNIT_ROW_LABELS = {"单位", "计量单位"}


# Floats at or past this magnitude are written as Python writes them (1e+16), not expanded
# into digits: a 309-digit integer would pass the number grammar, 1e+308 does not.
_EXACT_INTEGERS = 1e15


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def parse_xlsx(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    """First sheet of a 统计报表: title rows, a header of one or two rows with merged cells
    (flattened to "parent/child"), perhaps a row of units, data rows, then note rows
    (注/资料来源…), which are not data and stay only in the archived file."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise LoadError(f"{dataset_id}: {uri}: not an .xlsx file ({exc})") from exc
    if size > MAX_XLSX_UNCOMPRESSED:
        raise LoadError(f"{dataset_id}: {uri}: .xlsx unpacks to {size} bytes, over the "
                        f"{MAX_XLSX_UNCOMPRESSED}-byte limit")
    try:
        _check_extent(data, dataset_id=dataset_id, uri=uri)
        sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, KeyError, ValueError,
            OSError) as exc:
        # e.g. members whose declared sizes or checksums lie, or a workbook part missing
        raise LoadError(f"{dataset_id}: {uri}: the .xlsx cannot be read ({type(exc).__name__}: "
                        f"{str(exc)[:200]})") from exc
    grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:  # every cell of a merge carries its value
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                grid[r][c] = value
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]

    def filled(row):
        return [c for c in row if c.strip()]

    # header: the first row with more than one distinct value (titles span the sheet)
    start = next((i for i, r in enumerate(grid) if len(set(filled(r))) > 1), None)
    if start is None:
        raise LoadError(f"{dataset_id}: {uri}: no header row found in the first sheet")
    header_rows = [grid[start]]
    nxt = start + 1
    # a second header row: merged from above in the first column, no numbers in it
    if nxt < len(grid) and grid[nxt][0] == grid[start][0] and not any(
            _looks_numeric(c) for c in grid[nxt]):
        header_rows.append(grid[nxt])
        nxt += 1
    headers = []
    for col in range(width):
        parts = []
        for row in header_rows:
            if row[col].strip() and row[col] not in parts:
                parts.append(row[col])
        headers.append("/".join(parts))
    # a row of units under the header (first cell empty or 单位, no number): part of the
    # header; a unit the heading already shows adds nothing, another is appended as (unit)
    # (cells merged down from the header, 年份 over its header rows and this one, are no unit;
    # nor is one written with other spacing or brackets than the heading's)
    if nxt < len(grid) and _is_unit_row(_below_header(grid[nxt], grid[nxt - 1])):
        for col, cell in enumerate(_below_header(grid[nxt], grid[nxt - 1])[1:], 1):
            unit = normalize_name(cell).strip("()（）")
            if unit and unit not in normalize_name(headers[col]):
                headers[col] = f"{headers[col]}({unit})"
        nxt += 1
    rows = []
    for index in range(nxt, len(grid)):
        cells = grid[index]
        if not filled(cells):
            continue
        first = cells[0].strip()
        if first.startswith(NOTE_PREFIXES) or len(filled(cells)) == 1 and not _looks_numeric(first):
            continue  # a note row under the table
        rows.append((index + 1, cells))
    return ParsedTable(headers=headers, rows=rows, position="row")


# a cell (r="B7"), the sheet's dimension or a merged range (ref="A1:XFD1048576")
_CELL_REF = re.compile(rb'<(?:c|dimension|mergeCell)\b[^>]*?\b(?:r|ref)='
                       rb'"(([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_extent(data: bytes, *, dataset_id: str, uri: str) -> None:
    """Refuse a workbook whose cells, dimension or merged ranges reach past the limits, read
    from the sheets' XML before openpyxl builds anything (openpyxl makes an object for every
    cell of a merged range: one range to XFD1048576 is 17 billion of them)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            for match in _CELL_REF.finditer(archive.read(name)):
                ref, col_a, row_a, col_b, row_b = match.groups()
                rows = max(int(row_a), int(row_b or 0))
                columns = max(_column_number(col_a), _column_number(col_b or b"A"))
                if rows > MAX_XLSX_ROWS or columns > MAX_XLSX_COLUMNS:
                    raise LoadError(f"{dataset_id}: {uri}: {name} refers to {ref.decode()} (row {rows}, "
                                    f"column {columns}): over the {MAX_XLSX_ROWS}-row / "
                                    f"{MAX_XLSX_COLUMNS}-column limit of a report")


def _below_header(cells: list[str], header: list[str]) -> list[str]:
    """A row under the header with the cells merged down from it blanked."""
    return ["" if cell == above and cell.strip() else cell for cell, above in zip(cells, header, strict=True)]


def _is_unit_row(cells: list[str]) -> bool:
    first = cells[0].strip().rstrip(":：")
    rest = [c for c in cells[1:] if c.strip()]
    return (not first or first in UNIT_ROW_LABELS) and bool(rest) and not any(
        _looks_numeric(c) for c in rest) and all(len(c.strip()) <= 12 for c in rest)


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


# --- JSON ---------------------------------------------------------------------------------

# A document nested deeper than this is no report or API answer (they are 5 levels deep).
MAX_JSON_DEPTH = 32
# Figures (outlet × pollutant) one disclosure report may hold: a large plant has a few
# dozen outlets and a dozen pollutants each.
MAX_REPORT_FIGURES = 5_000


def _json(data: bytes, encoding: str, *, dataset_id: str, uri: str):
    """The document, its numbers kept as the text the file writes (1e308 stays '1e308', so
    the number grammar reads JSON numbers exactly as it reads a CSV cell), its depth bounded."""
    try:
        doc = json.loads(decode(data, encoding, dataset_id=dataset_id, uri=uri),
                         parse_float=str, parse_int=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise LoadError(f"{dataset_id}: {uri}: invalid JSON at line {exc.lineno} "
                        f"column {exc.colno}: {exc.msg}") from exc
    except RecursionError:  # the parser recurses per level: thousands deep exhausts the stack
        raise LoadError(f"{dataset_id}: {uri}: JSON nested too deep to read (over "
                        f"{MAX_JSON_DEPTH} levels allowed)") from None
    depth, level = 0, [doc]
    while level:
        depth += 1
        if depth > MAX_JSON_DEPTH:
            raise LoadError(f"{dataset_id}: {uri}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
        level = [v for node in level if isinstance(node, dict | list)
                 for v in (node.values() if isinstance(node, dict) else node)
                 if isinstance(v, dict | list)]
    return doc


def _records_table(records: list[dict]) -> ParsedTable:
    headers: list[str] = []
    for record in records:
        headers += [k for k in record if k not in headers]
    rows = [(i, [_cell_text(r.get(h)) for h in headers]) for i, r in enumerate(records, 1)]
    return ParsedTable(headers=headers, rows=rows, position="record")


def parse_json_pages(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    """A paged REST API as the HTTP connector stores it: {"pages": [page, …]}, each page
    {"data": {"items": [record, …], …}}. Records become rows numbered across pages."""
    doc = _json(data, encoding, dataset_id=dataset_id, uri=uri)
    try:
        records = [item for page in doc["pages"] for item in page["data"]["items"]]
    except (KeyError, TypeError) as exc:
        raise LoadError(f"{dataset_id}: {uri}: not a paged API response "
                        f"(missing {exc}); expected pages[].data.items[]") from exc
    return _records_table(records)


NBS_HEADERS = ["指标代码", "指标名称", "单位", "地区代码", "地区", "时间", "数值", "说明"]


def parse_nbs_easyquery(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    """The NBS easyquery shape: returndata.datanodes[] (one cell each, dimension codes in
    wds[]) and returndata.wdnodes[] (code → name, unit, memo). A cell with hasdata=false is
    missing: its `data` is 0 and must never be read as a value. 说明 is the cell's memo if it
    has one, else the indicator's (where a source says a figure is sample or published)."""
    doc = _json(data, encoding, dataset_id=dataset_id, uri=uri)
    try:
        returndata = doc["returndata"]
        names = {(w["wdcode"], n["code"]): n for w in returndata["wdnodes"] for n in w["nodes"]}
        rows = []
        for i, node in enumerate(returndata["datanodes"], 1):
            dims = {w["wdcode"]: w["valuecode"] for w in node["wds"]}
            zb = names.get(("zb", dims.get("zb")), {})
            reg = names.get(("reg", dims.get("reg")), {})
            cell = node["data"]
            value = (cell.get("strdata") or _cell_text(cell.get("data"))) if cell.get("hasdata") else ""
            rows.append((i, [dims.get("zb", ""), zb.get("cname", ""), zb.get("unit", ""),
                             dims.get("reg", ""), reg.get("cname", ""), dims.get("sj", ""), value,
                             node.get("memo") or zb.get("memo", "")]))
    except (KeyError, TypeError) as exc:
        raise LoadError(f"{dataset_id}: {uri}: not an NBS easyquery response "
                        f"(missing {exc}); expected returndata.wdnodes/datanodes") from exc
    return ParsedTable(headers=NBS_HEADERS, rows=rows, position="record")


# 《企业环境信息依法披露格式准则》's annual report as the disclosure system exports it: one JSON
# document per enterprise and year. Its sections are read by these names; every emission
# figure becomes a row: one per outlet and pollutant, and one for the enterprise's CO2.
DISCLOSURE_BASIC = "一、企业基本信息"
DISCLOSURE_EMISSIONS = "三、污染物产生、治理与排放信息"
DISCLOSURE_CARBON = "四、碳排放信息"
DISCLOSURE_REPORT_FIELDS = ["报告年度", "披露日期", "报告类型"]
DISCLOSURE_BASIC_FIELDS = ["统一社会信用代码", "企业名称", "所在区县", "行业类别", "排污许可证编号"]
DISCLOSURE_ITEM_FIELDS = ["排放口编号", "排放口名称", "排放类别", "污染物名称"]
# the emission's heading carries its unit, 年排放量(吨): the contract checks it like a column's
EMISSION_KEY = "年排放量"
CO2_KEY = "二氧化碳排放量"
CO2_OUTLET = "全厂"  # CO2 is reported for the whole enterprise, not per outlet


def parse_disclosure_report(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    """One annual disclosure report (JSON) → rows (outlet, pollutant, emission) under the
    report's year, enterprise and date; the CO2 figure as outlet 全厂, pollutant 二氧化碳."""
    doc = _json(data, encoding, dataset_id=dataset_id, uri=uri)
    where = f"{dataset_id}: {uri}"
    try:
        basic, outlets = doc[DISCLOSURE_BASIC], doc[DISCLOSURE_EMISSIONS]["排放口"]
        report = [_cell_text(doc.get(k)) for k in DISCLOSURE_REPORT_FIELDS]
        enterprise = [_cell_text(basic.get(k)) for k in DISCLOSURE_BASIC_FIELDS]
        items = [(outlet, item) for outlet in outlets for item in outlet["污染物"]]
    except (KeyError, TypeError) as exc:
        raise LoadError(f"{where}: not a disclosure report (missing {exc}); expected "
                        f"{DISCLOSURE_BASIC}, {DISCLOSURE_EMISSIONS}.排放口[].污染物[]") from exc
    if len(items) > MAX_REPORT_FIGURES:
        raise LoadError(f"{where}: {DISCLOSURE_EMISSIONS}: {len(items)} figures in {len(outlets)} "
                        f"outlets, over the {MAX_REPORT_FIGURES} one report may hold; nothing was landed")
    keys = {k for _, item in items for k in item if k.startswith(EMISSION_KEY)}
    if len(keys) != 1:
        raise LoadError(f"{where}: {DISCLOSURE_EMISSIONS}: expected one emission heading "
                        f"{EMISSION_KEY}(unit) in every pollutant item, found {sorted(keys) or 'none'}")
    key = keys.pop()
    note = _cell_text(doc.get("备注"))
    rows = [[*report, *enterprise, *(_cell_text(outlet.get(k)) for k in DISCLOSURE_ITEM_FIELDS[:3]),
             _cell_text(item.get("污染物名称")), _cell_text(item.get(key)), note] for outlet, item in items]
    carbon = doc.get(DISCLOSURE_CARBON) or {}
    co2 = {k: v for k, v in carbon.items() if k.startswith(CO2_KEY)}
    if len(co2) > 1:
        raise LoadError(f"{where}: {DISCLOSURE_CARBON}: more than one CO2 figure {sorted(co2)}")
    if co2:
        (co2_key, value), = co2.items()
        if co2_key.removeprefix(CO2_KEY) != key.removeprefix(EMISSION_KEY):
            raise LoadError(f"{where}: {DISCLOSURE_CARBON}: {co2_key} is not in the pollutants' unit "
                            f"({key}); the contract reads one unit per report")
        rows.append([*report, *enterprise, CO2_OUTLET, "", "碳排放", "二氧化碳", _cell_text(value), note])
    headers = DISCLOSURE_REPORT_FIELDS + DISCLOSURE_BASIC_FIELDS + DISCLOSURE_ITEM_FIELDS + [key, "备注"]
    return ParsedTable(headers=headers, rows=list(enumerate(rows, 1)), position="figure")


# The most bytes a file of each format may have, checked before it is parsed (and, for a
# drop file, before more is read): what bounds a load's memory. A disclosure report is a few
# kilobytes; a statistical table a few hundred; an hourly feed file well under one megabyte.
MAX_FILE_BYTES = {
    "csv": 256 * 1024 * 1024,
    "xlsx": 64 * 1024 * 1024,
    "json_pages": 256 * 1024 * 1024,
    "nbs_easyquery": 64 * 1024 * 1024,
    "disclosure_report": 2 * 1024 * 1024,
}


def check_size(size: int, fmt: str, *, dataset_id: str, uri: str) -> None:
    if size > MAX_FILE_BYTES[fmt]:
        raise LoadError(f"{dataset_id}: {uri}: over the {MAX_FILE_BYTES[fmt]}-byte limit for a "
                        f"{fmt} file (read stopped at {size} bytes); nothing was landed. If the "
                        "file is right, raise MAX_FILE_BYTES in ingestion/parsers.py")


PARSERS = {
    "csv": parse_csv,
    "xlsx": parse_xlsx,
    "json_pages": parse_json_pages,
    "nbs_easyquery": parse_nbs_easyquery,
    "disclosure_report": parse_disclosure_report,
}


def parse(data: bytes, fmt: str, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    try:
        parser = PARSERS[fmt]
    except KeyError:
        raise LoadError(f"{dataset_id}: no parser for format {fmt!r}") from None
    return parser(data, encoding, dataset_id=dataset_id, uri=uri)


def refuse_html(data: bytes, fmt: str, *, dataset_id: str, uri: str) -> None:
    """An HTML page where a data file was expected (a login, error or maintenance page served
    with HTTP 200) is said to be one, not reported as bytes in the wrong encoding."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        raise LoadError(f"{dataset_id}: {uri}: the source answered with an HTML page, not {fmt} "
                        "(a login, error or maintenance page?); nothing was landed")
