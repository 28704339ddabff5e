"""The columns of a raw table: each field as received, its typed twin, the lineage columns every
load writes, and the month of a partitioned feed (what landing creates, raw files hold and
the generated dbt source docs describe)."""

from .catalog import TYPED_COLUMNS, Dataset
from .reference import typed_unit

LOAD_COLUMNS = {
    "_extra": ("VARCHAR", "Headings the contract does not name, with their cells, as JSON"),
    "_load_id": ("VARCHAR NOT NULL", "Load that landed the row (raw.load_log)"),
    "_row_number": ("INTEGER NOT NULL", "Line of the row in the source file"),
    "_source_uri": ("VARCHAR NOT NULL", "Where the file was fetched from"),
    "_source_sha256": ("VARCHAR NOT NULL", "SHA-256 of the fetched bytes (the archive copy's name)"),
    "_fetched_at": ("TIMESTAMPTZ NOT NULL", "When the source bytes were fetched"),
}


# How the generated docs describe each kind's typed column
TYPED_DOCS = {"number": "the number, in {unit}", "year": "the year", "date": "the date",
              "datetime": "the time, local (CST)", "region": "GB/T 2260 code (seed region_aliases)",
              "code": "the code (seed {codes})"}


def raw_columns(ds: Dataset) -> list[tuple[str, str, str]]:
    """(name, DuckDB type, description) of every column of ds.raw_table: each field as
    received (text) and, for a number, year, time or region, typed by the contract beside it
    (NULL where the cell is missing or was quarantined)."""
    fields = []
    for f in ds.fields:
        fields.append((f.name, "VARCHAR", f"{f.header}: {f.description}, as received"
                       + (f" (unit {f.unit})" if f.unit else "")))
        if f.kind in TYPED_COLUMNS:
            what = TYPED_DOCS[f.kind].format(unit=typed_unit(f)[0] or "the field's unit", codes=f.codes)
            fields.append((f"{f.name}{TYPED_COLUMNS[f.kind][0]}", TYPED_COLUMNS[f.kind][1],
                           f"{f.header}: {f.description}; typed at landing: {what}"))
    partition = [(ds.raw_partition, "VARCHAR", "Month of the row's file (a monthly feed) or of its time, "
                   "YYYY-MM: the folder of the Parquet file it is in")] if ds.raw_partition else []
    return fields + [(name, sql_type.removesuffix(" NOT NULL"), doc)
                     for name, (sql_type, doc) in LOAD_COLUMNS.items()] + partition
