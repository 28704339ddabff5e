"""统计报表 workbooks (.xlsx): a title, a header of one or two merged rows, a unit row, notes
under the table; bounded before a grid is built (zip bombs, sheets that claim a huge extent)."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from .parsed import LoadError, ParsedTable, cell_text
from .rules import normalize_name

MAX_XLSX_UNCOMPRESSED = 64 * 1024 * 1024  # an .xlsx is a zip: refuse zip bombs
# A 统计报表 is a few hundred rows by a few dozen columns: a sheet (or a merged range) that
# claims more is refused before a grid is built (a 6 KB file with one cell at XFD1048576
# would otherwise ask for 17 billion cells).
MAX_XLSX_ROWS = 100_000
MAX_XLSX_COLUMNS = 500
NOTE_PREFIXES = ("注", "说明", "备注", "资料来源", "数据来源", "填报说明", "注：", "注:")
# What the first cell of a unit row under a header may say (else it is empty).
UNIT_ROW_LABELS = {"单位", "计量单位"}


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
    grid = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
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
