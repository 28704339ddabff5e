"""Published layer: what analysts, BI tools and the 智慧巴中 platform read, never the working
warehouse (DuckDB's single writer locks readers out of it). The snapshot is copied from the
marts once every blocking check on them has passed; everything else is made from the
snapshot, so all published files show the same numbers. Each output records what it was
built from (publishing.files: fingerprints); a run that changed nothing rewrites no file."""

import shutil
import tempfile
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from expectations import build_data_docs
from publishing import (
    SNAPSHOT_NAME,
    replace_dir,
    table_docs,
    write_catalog,
    write_dashboard,
    write_exports,
    write_sdmx_csv,
    write_snapshot,
)
from publishing.files import record_fingerprint, recorded_fingerprint, temp_path, up_to_date
from publishing.snapshot import marts_fingerprint

from ..resources import WRITER_POOL, WarehouseResource
from ..settings import Settings
from .dbt import PLATFORM_OWNER, dbt_project

SNAPSHOT_KEY = dg.AssetKey(["published", "marts_snapshot"])


def published_asset(name: str, deps: list, kinds: set[str], description: str, **kwargs):
    return dg.asset(key=["published", name], deps=deps, group_name="published", owners=[PLATFORM_OWNER],
                    kinds=kinds, description=description, **kwargs)


def unchanged(publish_dir: Path, name: str, outputs: list[Path]) -> dg.MaterializeResult | None:
    """A result saying `name` is up to date with the snapshot it was built from, else None."""
    fingerprint = recorded_fingerprint(publish_dir, SNAPSHOT_KEY.path[-1])
    if up_to_date(publish_dir, name, fingerprint, outputs):
        return dg.MaterializeResult(metadata={"unchanged": True, "fingerprint": fingerprint})
    return None


def built(publish_dir: Path, name: str) -> None:
    record_fingerprint(publish_dir, name, recorded_fingerprint(publish_dir, SNAPSHOT_KEY.path[-1]))


def build_publish_assets(mart_keys: list[dg.AssetKey], settings: Settings) -> list[dg.AssetsDefinition]:
    manifest = dbt_project.manifest_path
    publish_dir, gx_root = settings.publish_dir, settings.data_dir

    @published_asset(
        SNAPSHOT_KEY.path[-1], mart_keys, {"duckdb"}, pool=WRITER_POOL,
        description=f"Read-only DuckDB snapshot {publish_dir / SNAPSHOT_NAME} of every table in "
                    "the marts schema (storage format v1.4.0: DuckDB 1.4+ clients), the dbt "
                    "YAML's descriptions as table and column comments, written to a temp file, "
                    "checkpointed, closed and renamed into place.")
    def marts_snapshot(warehouse: WarehouseResource) -> dg.MaterializeResult:
        docs = table_docs(manifest)
        fingerprint = marts_fingerprint(warehouse.path, repr(sorted(docs.items())))
        if up_to_date(publish_dir, SNAPSHOT_KEY.path[-1], fingerprint, [publish_dir / SNAPSHOT_NAME]):
            return dg.MaterializeResult(metadata={"unchanged": True, "fingerprint": fingerprint})
        counts = write_snapshot(warehouse.path, publish_dir, docs)
        record_fingerprint(publish_dir, SNAPSHOT_KEY.path[-1], fingerprint)
        return dg.MaterializeResult(metadata={
            "snapshot": str(publish_dir / SNAPSHOT_NAME), "tables": counts, "fingerprint": fingerprint,
            "dagster/row_count": sum(counts.values())})

    @published_asset(
        "exports", [SNAPSHOT_KEY], {"parquet", "csv"},
        description=f"Per table: {publish_dir}/parquet/<table>.parquet (typed, table and column "
                    f"descriptions in the file metadata), {publish_dir}/csv/<table>.csv (UTF-8 "
                    f"with BOM, CRLF) and {publish_dir}/xlsx/<table>.xlsx (数据 and 字段说明 "
                    "sheets); the conformed fact also as SDMX-CSV 1.0 "
                    f"({publish_dir}/sdmx/fct_indicator_observation.csv, written by sdmx1).")
    def exports() -> dg.MaterializeResult:
        outputs = [publish_dir / kind for kind in ("parquet", "csv", "xlsx", "sdmx")]
        if same := unchanged(publish_dir, "exports", outputs):
            return same
        counts = write_exports(publish_dir, table_docs(manifest))
        observations = write_sdmx_csv(publish_dir)
        built(publish_dir, "exports")
        return dg.MaterializeResult(metadata={
            "tables": counts, "sdmx_observations": observations,
            "dagster/row_count": sum(counts.values())})

    @published_asset(
        "catalog", [SNAPSHOT_KEY], {"json"},
        description=f"{publish_dir}/catalog.json: every published table (columns, types, "
                    "descriptions) and every indicator (bilingual names, unit, definition, "
                    "share type, plan targets, where published).")
    def catalog() -> dg.MaterializeResult:
        if same := unchanged(publish_dir, "catalog", [publish_dir / "catalog.json"]):
            return same
        path = write_catalog(publish_dir, table_docs(manifest))
        built(publish_dir, "catalog")
        return dg.MaterializeResult(metadata={"path": str(path)})

    @published_asset(
        "dashboard", [SNAPSHOT_KEY], {"html"},
        description=f"{publish_dir}/dashboard/index.html: every plan target with status, latest "
                    "value, target and trend, filters by domain and region, the county "
                    "scorecard; Chinese and English; one file that works offline.")
    def dashboard() -> dg.MaterializeResult:
        if same := unchanged(publish_dir, "dashboard", [publish_dir / "dashboard" / "index.html"]):
            return same
        path = write_dashboard(publish_dir)
        built(publish_dir, "dashboard")
        return dg.MaterializeResult(metadata={"path": str(path), "url": path.as_uri()})

    @published_asset(
        "docs", mart_keys, {"dbt", "html"}, pool=WRITER_POOL,  # dbt docs reads the warehouse
        description=f"{publish_dir}/dbt_docs/index.html (dbt docs, one static page: models, "
                    f"columns, lineage, exposures) and {publish_dir}/data_docs/ (GX Data Docs: "
                    "every suite and stored validation result).")
    def docs(dbt: DbtCliResource) -> dg.MaterializeResult:
        with tempfile.TemporaryDirectory(prefix="dbt-docs-") as target:
            dbt.cli(["docs", "generate", "--static", *settings.dbt_vars_arg(),
                     "--log-path", str(settings.log_dir)],
                    manifest=manifest, target_path=Path(target)).wait()
            built = temp_path(publish_dir / "dbt_docs")
            built.mkdir()
            shutil.copyfile(Path(target) / "static_index.html", built / "index.html")
        replace_dir(built, publish_dir / "dbt_docs")
        site = temp_path(publish_dir / "data_docs")
        shutil.copytree(build_data_docs(gx_root), site)
        replace_dir(site, publish_dir / "data_docs")
        return dg.MaterializeResult(metadata={
            "dbt_docs": str(publish_dir / "dbt_docs" / "index.html"),
            "data_docs": str(publish_dir / "data_docs" / "index.html")})

    return [marts_snapshot, exports, catalog, dashboard, docs]
