"""A fetched file as the table of cells the landing contract reads (`landing_cells`): a CSV read
by DuckDB line for line, anything else (XLSX, JSON, a ragged CSV) handed over as Arrow; and
the headings matched to the dataset's fields."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa

from .catalog import (
    Dataset,
)
from .parsers import LoadError, ParsedTable
from .rules import (
    lit,
    normalize_name,
)


def map_headers(ds: Dataset, headers: list[str], uri: str = "") -> dict[str, int]:
    """Field name → column position. A missing required heading fails the whole file."""
    by_header = {normalize_name(h): i for i, h in enumerate(headers)}
    positions, missing = {}, []
    for f in ds.fields:
        pos = by_header.get(normalize_name(f.header))
        if pos is not None:
            positions[f.name] = pos
        elif f.required:
            missing.append(f"{f.header!r} (field {f.name})")
    if missing:
        raise LoadError(
            f"{ds.id}: {uri}: line 1: required column(s) missing: {', '.join(missing)}; "
            f"headings found: {headers}. A changed heading (often a changed unit) must be "
            "reviewed and the contract in sources.yml updated."
        )
    return positions


def cells_from_table(con: duckdb.DuckDBPyConnection, load_id: str, table: ParsedTable) -> None:
    """A parsed file (XLSX, JSON, a CSV DuckDB cannot map line for line) as `landing_cells`."""
    width = len(table.headers)
    columns: dict[str, list] = {"_load_id": [], "line": [], "ragged": [], "record": []}
    columns.update({f"c{i}": [] for i in range(width)})
    for line, cells in table.rows:
        ragged = len(cells) != width
        columns["_load_id"].append(load_id)
        columns["line"].append(line)
        columns["ragged"].append(f"{len(cells)} cells under {width} headings" if ragged else None)
        columns["record"].append(json.dumps(dict(zip(table.headers, cells, strict=False)), ensure_ascii=False,
                                            separators=(",", ":")) if ragged else None)
        for i in range(width):
            columns[f"c{i}"].append(None if ragged else cells[i])
    schema = pa.schema([("_load_id", pa.string()), ("line", pa.int32()), ("ragged", pa.string()),
                        ("record", pa.string())] + [(f"c{i}", pa.string()) for i in range(width)])
    con.register("landing_arrow", pa.table(columns, schema=schema))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE landing_cells AS SELECT * FROM landing_arrow")
    finally:
        con.unregister("landing_arrow")


def cells_from_csv(con: duckdb.DuckDBPyConnection, files: list[tuple[str, str, int]], width: int) -> set[str]:
    """UTF-8 CSVs with the same headings (load_id, path, lines in the file) as `landing_cells`,
    in one read_csv. DuckDB's strict reader rejects a row with more or fewer cells than
    headings (a ragged row, with its line). Returns the loads whose rows DuckDB cannot map to
    the file's lines (blank lines, quoted line breaks): they go through the parser instead."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    paths = "[" + ", ".join(lit(path) for _, path, _ in files) + "]"
    con.execute("DROP TABLE IF EXISTS landing_rejects; DROP TABLE IF EXISTS landing_scans")
    con.execute("CREATE OR REPLACE TEMP TABLE landing_files (load_id VARCHAR, path VARCHAR, lines INTEGER)")
    con.executemany("INSERT INTO landing_files VALUES (?, ?, ?)", [list(f) for f in files])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE landing_read AS
        -- a streaming window: numbers the rows in the order read, file by file
        SELECT row_number() OVER () AS ordinal, *
        FROM read_csv({paths}, columns = {columns}, header = false, skip = 1, filename = true,
                      auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true,
                      nullstr = {lit(_NULL)}, store_rejects = true, rejects_table = 'landing_rejects',
                      rejects_scan = 'landing_scans')""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE landing_rejected AS
        SELECT DISTINCT scans.file_path AS filename, CAST(rejects.line AS INTEGER) AS line,
               first(rejects.error_message ORDER BY column_idx) OVER w AS error_message,
               first(rejects.csv_line ORDER BY column_idx) OVER w AS csv_line
        FROM landing_rejects AS rejects
        JOIN landing_scans AS scans USING (scan_id, file_id)
        WINDOW w AS (PARTITION BY scans.file_path, rejects.line)""")
    unmapped = {r[0] for r in con.execute("""
        SELECT files.load_id FROM landing_files AS files
        LEFT JOIN (SELECT filename, count(*) AS n FROM landing_read GROUP BY 1) AS r
               ON r.filename = files.path
        LEFT JOIN (SELECT filename, count(*) AS n FROM landing_rejected GROUP BY 1) AS j
               ON j.filename = files.path
        WHERE coalesce(r.n, 0) + coalesce(j.n, 0) + 1 <> files.lines""").fetchall()}
    cells = ", ".join(f"c{i}" for i in range(width))
    nulls = ", ".join(f"NULL AS c{i}" for i in range(width))
    # a row's line: its place after the header, plus the rejected lines before it
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE landing_cells AS
        WITH numbered AS (
            SELECT *, ordinal - min(ordinal) OVER (PARTITION BY filename) + 1 AS in_file FROM landing_read
        ),
        gaps AS (
            SELECT filename, line - row_number() OVER (PARTITION BY filename ORDER BY line) AS after
            FROM landing_rejected
        )
        SELECT files.load_id AS _load_id,
               CAST(in_file + 1 + (SELECT count(*) FROM gaps WHERE gaps.filename = numbered.filename
                                                             AND gaps.after <= in_file) AS INTEGER) AS line,
               NULL::VARCHAR AS ragged, NULL::VARCHAR AS record, {cells}
        FROM numbered JOIN landing_files AS files ON files.path = numbered.filename
        WHERE files.load_id NOT IN (SELECT unnest($unmapped::VARCHAR[]))
        UNION ALL
        SELECT files.load_id, line, error_message, json_object('line', csv_line), {nulls}
        FROM landing_rejected JOIN landing_files AS files ON files.path = landing_rejected.filename
        WHERE files.load_id NOT IN (SELECT unnest($unmapped::VARCHAR[]))""", {"unmapped": sorted(unmapped)})
    con.execute("DROP TABLE landing_read; DROP TABLE landing_rejected; DROP TABLE landing_files; "
                "DROP TABLE landing_rejects; DROP TABLE landing_scans")
    return unmapped


_NULL = "\x1e"  # a byte no feed sends: empty cells stay '' (as received), never NULL
