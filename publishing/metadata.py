"""The dbt manifest, read here and nowhere else, and what is taken from it: table and column
descriptions of the published tables (the models' YAML), the one source for the Parquet field
metadata, the catalog and the docs. Orchestration reads the manifest through `read_manifest`."""

import csv
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PUBLISHED_SCHEMA = "marts"
MANIFEST_FILE = "manifest.json"  # in a dbt target folder


@dataclass(frozen=True)
class TableDoc:
    name: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)  # column → description
    indicators: dict[str, str] = field(default_factory=dict)  # column → indicator_code
    path: str = ""  # the model's file in the dbt project
    # column → the indicators its values carry or are computed from (meta.indicator and
    # meta.derived_from, [] for none), for the columns that declare it: what decides
    # whether the column may leave for a tier (publishing.tiers)
    origins: dict[str, tuple[str, ...]] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()  # from the unique / unique_combination test
    # (columns, table, referenced columns) from the relationships tests on published tables
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    inherited: dict[str, str] = field(default_factory=dict)  # descriptions from upstream
    # the raw sources it is built from (dbt lineage): id, title_zh, department, update cycle
    sources: tuple[tuple[str, str, str, str], ...] = ()
    title_zh: str = ""  # the model's meta.title_zh: the resource's name in the catalogues
    catalogue_seq: int = 0  # the model's meta.catalogue_seq: its 顺序码 in the catalogue (never reused)
    # column → (Chinese name, Chinese description): the glossary seed's, or for an indicator
    # column the indicator catalogue's name and unit
    chinese: dict[str, tuple[str, str]] = field(default_factory=dict)

    def describe(self, column: str) -> str:
        """The column's description: its own, else where it comes from unchanged."""
        return self.columns.get(column) or self.inherited.get(column, "")

    def table_comment(self) -> str:
        """The table's comment: its Chinese name, then its description."""
        return "。".join(filter(None, [self.title_zh, self.description]))

    def name_zh(self, column: str) -> str:
        return self.chinese.get(column, ("", ""))[0]

    def comment(self, column: str) -> str:
        """What a reader sees beside the column (DuckDB and PostgreSQL comments, Datasette,
        the Table Schema): Chinese first, then the English description."""
        name, description = self.chinese.get(column, ("", ""))
        chinese = f"{name}：{description}" if description and description != name else name
        return "。".join(filter(None, [chinese, self.describe(column)]))


def read_manifest(manifest_path: Path) -> dict:
    """The parsed manifest, once per file version (`make` re-parses when a model changes)."""
    return _read(Path(manifest_path), Path(manifest_path).stat().st_mtime_ns)


@cache
def _read(path: Path, mtime_ns: int) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_rows(manifest_path: Path, name: str) -> list[dict[str, str]]:
    """The rows of seed `name`, found through the manifest: reference data published in the
    repository anyway (the plan's targets, the indicator catalogue, the domains)."""
    seed = next(n for n in read_manifest(manifest_path)["nodes"].values()
                if n["resource_type"] == "seed" and n["name"] == name)
    project_dir = Path(manifest_path).resolve().parent.parent  # <project>/target/manifest.json
    with open(project_dir / seed["original_file_path"], encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def department_codes(manifest_path: Path) -> dict[str, str]:
    """Department → its 统一社会信用代码 (the catalogue's 提供方代码; "（示例）" after a made-up
    one), from the raw sources' meta (ingestion/sources.yml's departments)."""
    return {name: code for source in read_manifest(manifest_path)["sources"].values()
            for name, code in source.get("meta", {}).get("department_codes", {}).items()}


def domain_names(manifest_path: Path) -> dict[str, dict[str, str]]:
    """domain → {name_zh, name_en}: the domains seed (the plan's domains and the other mart
    areas: mart_target_progress.domain, the marts' folders)."""
    return {r["domain"]: {"name_zh": r["name_zh"], "name_en": r["name_en"], "code": r["catalogue_code"]}
            for r in seed_rows(manifest_path, "domains")}


def plan_catalogue(manifest_path: Path) -> list[dict[str, str]]:
    """Every target of the plan (its text is public) with its indicator's catalogue entry
    (共享属性, 共享条件, 共享方式, 开放属性: public too, as the 政务信息资源目录 is): what a
    dashboard shows for a target whose values its tier does not hold."""
    indicators = {r["indicator_code"]: r for r in seed_rows(manifest_path, "indicators")}
    measured = {r["target_id"]: r["indicator_code"]
                for r in seed_rows(manifest_path, "plan_target_indicators")}
    keep = ("name_zh", "share_type_zh", "share_condition_zh", "share_method_zh", "open_condition_zh",
            "decimals")
    return [{**target, "indicator_code": measured.get(target["target_id"], ""),
             **{f"catalogue_{k}": indicators.get(measured.get(target["target_id"], ""), {}).get(k, "")
                for k in keep}}
            for target in seed_rows(manifest_path, "plan_targets")]


def tests_on(manifest_path: Path, name: str | None = None) -> list[tuple[dict, dict]]:
    """Every dbt test (data or unit test; only those of generic test `name` if given) with the
    node it is attached to ({} for none)."""
    nodes = read_manifest(manifest_path)["nodes"]
    return [(n, nodes.get(n.get("attached_node") or "", {})) for n in nodes.values()
            if n["resource_type"] in {"test", "unit_test"}
            and (name is None or (n.get("test_metadata") or {}).get("name") == name)]


def relation_columns(manifest_path: Path) -> dict[tuple[str, str], dict]:
    """(schema, relation) → the columns the YAML documents, for every model and seed."""
    return {(n["schema"], n.get("alias") or n["name"]): n.get("columns", {})
            for n in read_manifest(manifest_path)["nodes"].values()
            if n["resource_type"] in {"model", "seed"}}


def model_nodes(manifest_path: Path, schema: str) -> dict[str, dict]:
    """Model name → manifest node, for every model of `schema`."""
    return {n["name"]: n for n in read_manifest(manifest_path)["nodes"].values()
            if n["resource_type"] == "model" and n["schema"] == schema}


def _keys(manifest_path: Path, models: dict[str, dict]) -> tuple[dict, dict]:
    """Primary and foreign keys of the published tables, read from their dbt tests (the tests
    that prove them are the declaration: no second copy to drift)."""
    ids = {n["unique_id"]: name for name, n in models.items()}
    primary: dict[str, tuple[str, ...]] = {}
    foreign: dict[str, list] = {}
    for test, _ in tests_on(manifest_path):
        table = ids.get(test.get("attached_node") or "")
        meta = test.get("test_metadata") or {}
        if not table:
            continue
        kwargs = meta.get("kwargs", {})
        if meta.get("name") == "unique_combination":
            primary[table] = tuple(kwargs["columns"])
        elif meta.get("name") == "unique":
            primary.setdefault(table, (kwargs["column_name"],))
        elif meta.get("name") == "relationships":
            target = kwargs["to"].split("'")[1]
            if target in models:
                foreign.setdefault(table, []).append(
                    ((kwargs["column_name"],), target, (kwargs["field"],)))
    return primary, foreign


def _upstream(manifest_path: Path, node: dict) -> tuple[dict[str, str], list[dict]]:
    """From the models and seeds a model is built from (nearest first): their column
    descriptions (a column passed through unchanged, like dim_indicator's from
    seeds/indicators, is described once, where it starts), and the raw sources at the start."""
    manifest = read_manifest(manifest_path)
    nodes, sources = manifest["nodes"], manifest["sources"]
    found: dict[str, str] = {}
    raw: dict[str, dict] = {}
    queue, seen = list(node["depends_on"]["nodes"]), set()
    while queue:
        uid = queue.pop(0)
        if uid in seen:
            continue
        seen.add(uid)
        if uid in sources:
            raw[uid] = sources[uid]
            continue
        if not (parent := nodes.get(uid)):
            continue
        for column, spec in parent["columns"].items():
            if spec.get("description"):
                found.setdefault(column, spec["description"])
        queue += parent.get("depends_on", {}).get("nodes", [])
    return found, [raw[k] for k in sorted(raw)]


def _origins(meta: dict) -> tuple[str, ...]:
    return tuple(filter(None, [meta.get("indicator"), *meta.get("derived_from", [])]))


def chinese_names(manifest_path: Path) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """(column or table.column → (name_zh, description_zh)) from the glossary seed, and
    (indicator_code → (name_zh, description_zh)) from the indicator catalogue and units."""
    glossary = {r["column_name"]: (r["name_zh"], r["description_zh"])
                for r in seed_rows(manifest_path, "column_glossary")}
    units = {r["unit"]: r["name_zh"] for r in seed_rows(manifest_path, "units")}
    indicators = {}
    for r in seed_rows(manifest_path, "indicators"):
        unit = r["unit"] if r["unit"] == "%" else units.get(r["unit"], r["unit"])
        indicators[r["indicator_code"]] = (f"{r['name_zh']}（{unit}）",
                                           f"{r['name_zh']}，单位：{unit}；共享类型：{r['share_type_zh']}")
    return glossary, indicators


def table_docs(manifest_path: Path) -> dict[str, TableDoc]:
    docs = {}
    glossary, indicator_names = chinese_names(manifest_path)
    models = model_nodes(manifest_path, PUBLISHED_SCHEMA)
    primary, foreign = _keys(manifest_path, models)
    for node in models.values():
        inherited, raw = _upstream(manifest_path, node)
        cols = node["columns"]
        docs[node["name"]] = TableDoc(
            name=node["name"],
            description=" ".join(node["description"].split()),
            columns={c: " ".join(v.get("description", "").split()) for c, v in cols.items()},
            inherited={c: " ".join(d.split()) for c, d in inherited.items()},
            indicators={c: v["meta"]["indicator"] for c, v in cols.items()
                        if v.get("meta", {}).get("indicator")},
            path=node["original_file_path"],
            origins={c: _origins(v.get("meta", {})) for c, v in cols.items()
                     if {"indicator", "derived_from"} & set(v.get("meta", {}))},
            primary_key=primary.get(node["name"], ()),
            foreign_keys=tuple(sorted(set(foreign.get(node["name"], [])))),
            sources=tuple((s["name"], s["meta"].get("title_zh", ""), s["meta"].get("department", ""),
                           s["meta"].get("update_cycle_zh", "")) for s in raw),
            title_zh=(node.get("config", {}).get("meta") or node.get("meta") or {}).get("title_zh", ""),
            catalogue_seq=int((node.get("config", {}).get("meta") or node.get("meta") or {})
                              .get("catalogue_seq", 0)),
            chinese={c: found for c in sorted({*cols, *inherited}) if (found := (
                indicator_names.get(cols.get(c, {}).get("meta", {}).get("indicator", ""))
                or glossary.get(f"{node['name']}.{c}") or glossary.get(c)))},
        )
    return docs
