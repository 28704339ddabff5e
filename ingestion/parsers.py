"""Turn fetched bytes into a header and text rows, keeping every value exactly as received."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass


class LoadError(Exception):
    """A whole file cannot be landed. The message names the source, file, row and field."""


@dataclass(frozen=True)
class ParsedTable:
    headers: list[str]
    # (line number in the source file, cells as received); the header is line 1.
    rows: list[tuple[int, list[str]]]


def decode(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> str:
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    try:
        return data.decode(codec)
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


PARSERS = {"csv": parse_csv}


def parse(data: bytes, fmt: str, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    try:
        parser = PARSERS[fmt]
    except KeyError:
        raise LoadError(f"{dataset_id}: no parser for format {fmt!r}") from None
    return parser(data, encoding, dataset_id=dataset_id, uri=uri)
