"""Turn fetched bytes into a header and text rows, keeping every value exactly as received:
CSV here, the others in parse_xlsx and parse_json; the size limits and the format registry."""

from __future__ import annotations

import csv
import io

from .parse_json import parse_disclosure_report, parse_json_pages, parse_nbs_easyquery
from .parse_xlsx import parse_xlsx
from .parsed import LoadError, ParsedTable, codec, decode

__all__ = ["MAX_FILE_BYTES", "LoadError", "ParsedTable", "check_size", "decode", "parse", "parse_csv",
           "refuse_cut_csv", "refuse_html"]


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
        rows = list(csv.reader(io.StringIO(data.decode(codec(encoding)), newline=""), strict=True))
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
