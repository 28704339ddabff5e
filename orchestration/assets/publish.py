"""Published layer: what analysts, BI tools and the 智慧巴中 platform read, never the working
warehouse (DuckDB's single writer locks readers out of it). Two tiers, built from the
indicator catalog's 共享/开放 attributes (publishing.tiers): publish_dir/open/ for the public,
publish_dir/shared/ for the government data-sharing platform. Each tier's snapshot is copied
from the marts once every blocking check on them has passed; everything else in a tier is
made from its snapshot, so all its files show the same numbers. Each output records what it
was built from (publishing.files: fingerprints); a run that changed nothing rewrites no file."""

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource

from expectations import build_data_docs
from publishing import (
    SNAPSHOT_NAME,
    TIER_BY_NAME,
    TIERS,
    department_codes,
    domain_names,
    plan_catalogue,
    replace_dir,
    table_docs,
    write_browse,
    write_catalogues,
    write_dashboard,
    write_exports,
    write_sdmx,
    write_snapshot,
)
from publishing.dbt_docs import docs_fingerprint, write_dbt_docs
from publishing.files import (
    PublishError,
    check_free_space,
    cleaned_up_on_failure,
    record_fingerprint,
    recorded_fingerprint,
    temp_path,
    up_to_date,
)
from publishing.releases import NOTES, current_version, cut_release
from publishing.snapshot import marts_fingerprint

from ..exchange import load_release, release_fingerprint
from ..resources import WRITER_POOL, WarehouseResource
from ..settings import REPO_DIR, Settings
from .dbt import PLATFORM_OWNER, dbt_project

SNAPSHOT_KEY = dg.AssetKey(["published", "marts_snapshot"])
# Outputs of the single-tier layout (before open/ and shared/): removed, since the old
# files hold conditionally shared data where anyone syncing publish_dir would find it.
LEGACY_OUTPUTS = [SNAPSHOT_NAME, "catalog.json", "parquet", "csv", "xlsx", "sdmx", "dashboard"]


def published_asset(name: str, deps: list, kinds: set[str], description: str, **kwargs):
    return dg.asset(key=["published", name], deps=deps, group_name="published", owners=[PLATFORM_OWNER],
                    kinds=kinds, description=description, **kwargs)


@contextlib.contextmanager
def publish_step(publish_dir: Path, what: str) -> Iterator[None]:
    """A publish step whose failure leaves no temp file and reads as one plain sentence in the
    run's output (publishing.files.cleaned_up_on_failure)."""
    try:
        with cleaned_up_on_failure(publish_dir, what):
            yield
    except PublishError as exc:
        raise dg.Failure(description=str(exc)) from exc


def _remove_legacy(publish_dir: Path) -> None:
    for name in LEGACY_OUTPUTS:
        path = publish_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def build_publish_assets(mart_keys: list[dg.AssetKey], settings: Settings) -> list[dg.AssetsDefinition]:
    manifest = dbt_project.manifest_path
    publish_dir, gx_root = settings.publish_dir, settings.data_dir

    def per_tier(name: str, outputs, build, tiers=TIERS) -> dg.MaterializeResult:
        """Build `name` in each tier unless it is up to date with the snapshot it is made of."""
        fingerprint = recorded_fingerprint(publish_dir, SNAPSHOT_KEY.path[-1])
        metadata: dict[str, Any] = {"files": [str(publish_dir / t.name / o) for t in tiers for o in outputs]}
        for tier in tiers:
            out = publish_dir / tier.name
            key = f"{tier.name}/{name}"
            if up_to_date(publish_dir, key, fingerprint, [out / o for o in outputs]):
                metadata[f"{tier.name}: unchanged"] = True
                continue
            with publish_step(publish_dir, f"published/{name} ({tier.name})"):
                metadata[tier.name] = build(out, tier)
            record_fingerprint(publish_dir, key, fingerprint)
        return dg.MaterializeResult(metadata={k: dg.MetadataValue.json(v) if isinstance(v, dict | list)
                                              else v for k, v in metadata.items()})

    @published_asset(
        SNAPSHOT_KEY.path[-1], mart_keys, {"duckdb"}, pool=WRITER_POOL,
        description=f"Read-only DuckDB snapshots {publish_dir}/open/{SNAPSHOT_NAME} (what may be "
                    f"opened to the public) and {publish_dir}/shared/{SNAPSHOT_NAME} (the "
                    "智慧巴中 sharing platform's set) of the marts schema, cut by the indicator "
                    "catalog's 共享/开放 attributes; storage format v1.4.0 (DuckDB 1.4+ clients), the "
                    "dbt YAML's descriptions as table and column comments; each written to a temp "
                    "file, checkpointed, closed and renamed into place.")
    def marts_snapshot(warehouse: WarehouseResource) -> dg.MaterializeResult:
        _remove_legacy(publish_dir)
        docs = table_docs(manifest)
        fingerprint = marts_fingerprint(warehouse.path, repr(sorted(docs.items())))
        metadata: dict[str, Any] = {"fingerprint": fingerprint,
                                    "files": dg.MetadataValue.json([str(publish_dir / t.name / SNAPSHOT_NAME)
                                                                    for t in TIERS])}
        if recorded_fingerprint(publish_dir, SNAPSHOT_KEY.path[-1]) != fingerprint:
            with publish_step(publish_dir, "published/marts_snapshot"):
                check_free_space(publish_dir)  # before the first byte of a new release
        for tier in TIERS:
            out = publish_dir / tier.name
            key = f"{tier.name}/{SNAPSHOT_KEY.path[-1]}"
            if up_to_date(publish_dir, key, fingerprint, [out / SNAPSHOT_NAME]):
                metadata[f"{tier.name}: unchanged"] = True
                continue
            with publish_step(publish_dir, f"published/marts_snapshot ({tier.name})"):
                snapshot = write_snapshot(warehouse.path, out, docs, tier)
            record_fingerprint(publish_dir, key, fingerprint)
            metadata[f"{tier.name}: rows"] = dg.MetadataValue.json(snapshot.rows)
            metadata[f"{tier.name}: columns withheld"] = dg.MetadataValue.json(snapshot.withheld)
            metadata[f"{tier.name}: tables withheld"] = dg.MetadataValue.json(snapshot.tables_withheld)
        record_fingerprint(publish_dir, SNAPSHOT_KEY.path[-1], fingerprint)
        return dg.MaterializeResult(metadata=metadata)

    @published_asset(
        "exports", [SNAPSHOT_KEY], {"parquet", "csv"},
        description="Per tier and table: parquet/<table>.parquet (typed, table and column "
                    "descriptions in the file metadata), csv/<table>.csv (UTF-8 with BOM, CRLF) "
                    "and xlsx/<table>.xlsx (数据 and 字段说明 sheets); the conformed fact also as "
                    "SDMX-CSV 2.0 (sdmx/fct_indicator_observation.csv) with its structure: code "
                    "lists, DSD and dataflow as SDMX-ML 2.1 (sdmx/structure.xml), by sdmx1.")
    def exports() -> dg.MaterializeResult:
        def build(out: Path, tier) -> dict:
            counts = write_exports(out, table_docs(manifest))
            return {"rows": counts, "sdmx_observations": write_sdmx(out, tier.name)}

        return per_tier("exports", ["parquet", "csv", "xlsx", "sdmx"], build)

    @published_asset(
        "catalog", [SNAPSHOT_KEY, dg.AssetKey(["published", "exports"])], {"json", "xlsx"},
        description="Per tier: datapackage.json (Frictionless Data Package: Table Schema per "
                    "table, keys, licence, version, sources, each CSV's bytes and sha256) and "
                    "catalogue.json / catalogue.xlsx "
                    "(《政务信息资源目录编制指南》 fields: 共享属性, 开放属性, 提供方, 更新周期, ...).")
    def catalog() -> dg.MaterializeResult:
        def build(out: Path, tier) -> list[str]:
            return [str(p) for p in write_catalogues(out, table_docs(manifest), tier, REPO_DIR,
                                                      domain_names(manifest), department_codes(manifest))]

        return per_tier("catalog", ["datapackage.json", "catalogue.json", "catalogue.xlsx"], build)

    @published_asset(
        "dashboard", [SNAPSHOT_KEY], {"html"},
        description="Per tier, dashboard/index.html from that tier's snapshot: all 65 targets (one "
                    "the tier does not hold as 有条件共享·未公开 with its catalogue entry), an "
                    "overview by status and domain with T01–T07 on top, an ECharts chart per "
                    "target, the county view with a map; dashboard/county/<code>.html, a page "
                    "per county beside the city. Chinese and English; each file works offline.")
    def dashboard() -> dg.MaterializeResult:
        def build(out: Path, tier) -> str:
            return write_dashboard(out, domain_names(manifest), plan_catalogue(manifest), tier).as_uri()

        return per_tier("dashboard", ["dashboard/index.html"], build)

    @published_asset(
        "browse", [dg.AssetKey(["published", "catalog"])], {"sqlite", "datasette"},
        description=f"{publish_dir}/open/bazhong.sqlite (the open tier as SQLite, keys "
                    "declared, values as in the CSVs) and open/datasette.json (titles, "
                    "descriptions, licence and sources from the data package): what `make serve` "
                    "serves with Datasette, a browse UI and a JSON/CSV API.")
    def browse() -> dg.MaterializeResult:
        def build(out: Path, tier) -> int:
            return write_browse(out, table_docs(manifest))

        return per_tier("browse", ["bazhong.sqlite", "datasette.json"], build, [TIER_BY_NAME["open"]])

    @published_asset(
        "docs", mart_keys, {"dbt", "html"}, pool=WRITER_POOL,  # dbt docs reads the warehouse
        description=f"{publish_dir}/dbt_docs/index.html (dbt docs, one static page: models, "
                    f"columns, lineage, exposures) and {publish_dir}/data_docs/ (GX Data Docs: "
                    "every suite and stored validation result): the team's documentation, in "
                    "neither tier.")
    def docs(dbt: DbtCliResource) -> dg.MaterializeResult:
        # dbt docs (~15 s) only when the project changed; Data Docs show this run's validations
        fingerprint = docs_fingerprint(dbt_project.project_dir)
        page = publish_dir / "dbt_docs" / "index.html"
        dbt_docs_unchanged = up_to_date(publish_dir, "dbt_docs", fingerprint, [page])
        if not dbt_docs_unchanged:
            with publish_step(publish_dir, "published/docs (dbt docs)"), \
                    tempfile.TemporaryDirectory(prefix="dbt-docs-") as target:
                dbt.cli(["docs", "generate", *settings.dbt_vars_arg(), "--log-path", str(settings.log_dir)],
                        manifest=manifest, target_path=Path(target)).wait()
                built = temp_path(publish_dir / "dbt_docs")
                built.mkdir()
                write_dbt_docs(Path(target), table_docs(manifest), built)  # Chinese first, one page
                replace_dir(built, publish_dir / "dbt_docs")
            record_fingerprint(publish_dir, "dbt_docs", fingerprint)
        with publish_step(publish_dir, "published/docs (GX Data Docs)"):
            site = temp_path(publish_dir / "data_docs")
            shutil.copytree(build_data_docs(gx_root), site)
            replace_dir(site, publish_dir / "data_docs")
        return dg.MaterializeResult(metadata={
            "files": dg.MetadataValue.json([str(publish_dir / "dbt_docs"), str(publish_dir / "data_docs")]),
            "dbt_docs": str(page), "dbt_docs: unchanged": dbt_docs_unchanged,
            "data_docs": str(publish_dir / "data_docs" / "index.html")})

    @published_asset(
        "exchange", [SNAPSHOT_KEY], {"postgres"},
        description="The shared tier in the exchange database (前置库, PostgreSQL at "
                    "BAZHONG_EXCHANGE_DSN; skipped when unset): schema marts, swapped in whole, "
                    "with keys and comments; 无条件共享 to every consumer role, 有条件共享 only "
                    "to the roles the consumers file grants it (publishing/exchange.py).")
    def exchange() -> dg.MaterializeResult:
        if not settings.exchange_dsn:
            return dg.MaterializeResult(metadata={
                "skipped": "BAZHONG_EXCHANGE_DSN is not set: the shared tier is files only"})
        today = date.today()
        fingerprint = release_fingerprint(settings, recorded_fingerprint(publish_dir, SNAPSHOT_KEY.path[-1]),
                                          today)
        if recorded_fingerprint(publish_dir, "shared/exchange") == fingerprint:
            return dg.MaterializeResult(metadata={"unchanged": True})
        with publish_step(publish_dir, "published/exchange (PostgreSQL)"):
            release = load_release(settings, settings.exchange_dsn, manifest, fingerprint[:12], today)
        record_fingerprint(publish_dir, "shared/exchange", fingerprint)
        return dg.MaterializeResult(metadata={
            "rows": dg.MetadataValue.json(release.rows), "roles": dg.MetadataValue.json(release.roles),
            "retired roles": dg.MetadataValue.json(release.retired_roles)})

    @published_asset(
        "release", [SNAPSHOT_KEY, *(dg.AssetKey(["published", n]) for n in ("exports", "catalog", "dashboard",
                                                                          "browse"))],
        {"release"},
        description=f"{publish_dir}/releases/<date>.<n>/: both tiers as this publish left them, when a "
                    "file changed: SHA256SUMS, release.json and RELEASE_NOTES.md (tables, rows added/"
                    "changed/removed, indicator values before → after with their 修订 status, files "
                    "changed); the last BAZHONG_RELEASES_KEPT kept; `python -m orchestration rollback` "
                    "restores the one before.")
    def release(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        with publish_step(publish_dir, "published/release"):
            made = cut_release(publish_dir, context.run.run_id, settings.releases_kept)
        if made is None:
            return dg.MaterializeResult(metadata={"unchanged": True,
                                                  "current": current_version(publish_dir) or ""})
        return dg.MaterializeResult(metadata={
            "files": dg.MetadataValue.json([str(made.path)]), "version": made.version,
            "previous": made.previous or "", "files changed": made.files_changed,
            "notes": dg.MetadataValue.path(str(made.path / NOTES))})

    return [marts_snapshot, exports, catalog, browse, dashboard, docs, exchange, release]
