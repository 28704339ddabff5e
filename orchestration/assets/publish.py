"""Publish: a read-only DuckDB snapshot of the marts for analysts and BI tools, plus one
Parquet file per table. Readers never open the working warehouse (DuckDB's single writer
locks them out); they open this snapshot, which is replaced atomically."""


import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb

from expectations import build_data_docs

from ..resources import DUCKDB_OFFLINE, WRITER_POOL, WarehouseResource

SNAPSHOT_NAME = "bazhong.duckdb"
PUBLISHED_SCHEMA = "marts"
# Readable by DuckDB 1.4+ clients (BI drivers embed older DuckDB than the pipeline's).
SNAPSHOT_STORAGE_VERSION = "v1.4.0"


def publish_marts(warehouse_path: str, publish_dir: Path) -> dict[str, int]:
    """Copy every table of the marts schema into a new snapshot file and Parquet files, then
    move them into place with atomic renames. Returns rows per table."""
    publish_dir.mkdir(parents=True, exist_ok=True)
    parquet_dir = publish_dir / "parquet"
    parquet_dir.mkdir(exist_ok=True)
    snapshot = publish_dir / SNAPSHOT_NAME
    tmp = publish_dir / f".{SNAPSHOT_NAME}.tmp"
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    renames: list[tuple[Path, Path]] = []
    con = duckdb.connect(":memory:", config=DUCKDB_OFFLINE)
    try:
        con.execute(f"ATTACH '{warehouse_path}' AS warehouse (READ_ONLY)")
        con.execute(f"ATTACH '{tmp}' AS snapshot (STORAGE_VERSION '{SNAPSHOT_STORAGE_VERSION}')")
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'warehouse' "
            "AND schema_name = ? ORDER BY table_name", [PUBLISHED_SCHEMA]).fetchall()]
        for table in tables:
            source = f'warehouse.{PUBLISHED_SCHEMA}."{table}"'
            con.execute(f'CREATE TABLE snapshot.main."{table}" AS SELECT * FROM {source}')
            counts[table] = con.execute(f'SELECT count(*) FROM snapshot.main."{table}"').fetchone()[0]
            part = parquet_dir / f".{table}.parquet.tmp"
            con.execute(f"COPY {source} TO '{part}' (FORMAT parquet, COMPRESSION zstd)")
            renames.append((part, parquet_dir / f"{table}.parquet"))
        con.execute("CHECKPOINT snapshot")
        con.execute("DETACH snapshot")
    finally:
        con.close()
    os.replace(tmp, snapshot)
    for src, dst in renames:
        os.replace(src, dst)
    return counts


def publish_data_docs(gx_root: Path, publish_dir: Path) -> Path:
    """GX Data Docs (every suite and stored validation result) copied to published/data_docs,
    built beside it first so readers never see a half-written site."""
    site = build_data_docs(gx_root)
    target = publish_dir / "data_docs"
    tmp, old = publish_dir / ".data_docs.tmp", publish_dir / ".data_docs.old"
    for leftover in (tmp, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(site, tmp)
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
    return target / "index.html"


def build_publish_asset(mart_keys: list[dg.AssetKey], publish_dir: Path,
                        gx_root: Path) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["published", "marts_snapshot"]),
        deps=mart_keys,
        group_name="published",
        owners=["team:data-platform"],
        description=f"Read-only DuckDB snapshot ({publish_dir / SNAPSHOT_NAME}) of every table "
                    f"in the marts schema, plus one Parquet file each under {publish_dir}/parquet "
                    f"and the GX Data Docs under {publish_dir}/data_docs. Written to temp files "
                    "and renamed into place; never run when a blocking check upstream failed.",
        kinds={"duckdb", "parquet"},
        pool=WRITER_POOL,
    )
    def _publish(warehouse: WarehouseResource) -> dg.MaterializeResult:
        counts = publish_marts(warehouse.path, publish_dir)
        docs = publish_data_docs(gx_root, publish_dir)
        return dg.MaterializeResult(metadata={
            "snapshot": str(publish_dir / SNAPSHOT_NAME),
            "data_docs": str(docs),
            "tables": counts,
            "dagster/row_count": sum(counts.values()),
        })

    return _publish
