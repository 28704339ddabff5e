"""What every parser returns or raises: a header and text rows exactly as received, or a
LoadError naming the source, file, row and field; the text of a cell and of the bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


class LoadError(Exception):
    """A whole file cannot be landed. The message names the source, file, row and field."""


@dataclass(frozen=True)
class ParsedTable:
    headers: list[str]
    # (position in the source, cells as received): the CSV line (header = line 1), the
    # spreadsheet row, or the JSON record number, as `position` names it.
    rows: list[tuple[int, list[str]]]
    position: str = "line"


def codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding


def decode(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> str:
    try:
        return data.decode(codec(encoding))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(
            f"{dataset_id}: {uri}: line {line}: bytes are not valid {encoding} "
            f"({exc.reason} at byte {exc.start}); the catalog declares encoding {encoding!r}: "
            "check what the department sends and correct `encoding` in sources.yml"
        ) from exc


# Floats at or past this magnitude are written as Python writes them (1e+16), not expanded
# into digits: a 309-digit integer would pass the number grammar, 1e+308 does not.
_EXACT_INTEGERS = 1e15


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
