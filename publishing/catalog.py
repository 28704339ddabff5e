"""What describes a tier, for machines and for the platform that registers it:

- datapackage.json: a Frictionless Data Package (v1, tabular) with a Table Schema per table
  (types, descriptions, primary and foreign keys from the dbt tests), licence, version,
  sources and contributors; its resources are the tier's CSVs, so `frictionless validate`
  checks every row against the schema.
- catalogue.json and catalogue.xlsx: one entry per table with the fields of
  《政务信息资源目录编制指南（试行）》 under their Chinese headings (分类, 名称, 代码, 提供方,
  摘要, 格式, 信息项, 共享属性, 开放属性, 更新周期, 发布日期, 关联资源代码), so the 智慧巴中
  platform can register every resource.

Both carry the release (date, commit, sample or official) and are made from the tier's own
snapshot and the dbt YAML (publishing.metadata): nothing is described twice."""

import hashlib
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from .files import temp_path
from .metadata import TableDoc
from .snapshot import SNAPSHOT_NAME, open_snapshot
from .tiers import DESCRIPTIVE, ROW_KEY, Tier

PACKAGE_NAME = "bazhong-synergy"
# Licences are the data owners' decision; these are the project's proposal (README).
LICENCES = {
    "open": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
              "path": "https://creativecommons.org/licenses/by/4.0/"}],
    "shared": [{"name": "other-closed",
                "title": "政务信息资源共享：仅限共享条件所列用途（《政务信息资源共享管理暂行办法》）"}],
}
SHARE_TYPES_EN = {"无条件共享": "unconditional sharing", "有条件共享": "conditional sharing",
                  "不予共享": "not shared"}
SHARE_ORDER = ["无条件共享", "有条件共享", "不予共享"]  # least to most restrictive
# DuckDB type → Table Schema type, and → the 编制指南's 数据类型 (C 字符型, N 数值型, ...)
TABLE_SCHEMA_TYPES = {"VARCHAR": "string", "BOOLEAN": "boolean", "DATE": "date",
                      "TIMESTAMP": "datetime", "TIMESTAMP WITH TIME ZONE": "datetime"}
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                 "UINTEGER", "UBIGINT"}
# The 编制指南's 信息资源分类: 类 2 主题信息资源, 项 11 生态环保 (the 主题 list: 公共服务 01 …
# 城乡建设 09, 社区治理 10, 生态环保 11, 应急保障 12), 目 the domain's 3-digit code (seed
# domains). 信息资源代码 = 前段码 (类 项 目) / 后段码 (the model's catalogue_seq, 6 digits).
CATEGORY = ("2", "主题信息资源", "11", "生态环保")


def resource_code(doc: TableDoc, domains: dict[str, dict]) -> str:
    domain = domains.get(Path(doc.path).parent.name, {})
    return f"{CATEGORY[0]}{CATEGORY[2]}{domain.get('code', '000')}/{doc.catalogue_seq:06d}"


CATALOGUE_TYPES = {"string": "字符型C", "integer": "数值型N", "number": "数值型N", "boolean": "逻辑型L",
                   "date": "日期型D", "datetime": "日期时间型T"}


def table_schema_type(duckdb_type: str) -> str:
    if duckdb_type in INTEGER_TYPES:
        return "integer"
    if duckdb_type in {"DOUBLE", "FLOAT", "REAL"} or duckdb_type.startswith("DECIMAL"):
        return "number"
    return TABLE_SCHEMA_TYPES.get(duckdb_type, "string")  # lists and the rest: as text


def release(repo_dir: Path, provenance: list[str]) -> dict:
    """What this publication is: the date, the code's commit and whether the data is sample."""
    try:
        commit = subprocess.run(["git", "-C", str(repo_dir), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown (not a git checkout)"
    today = datetime.now(UTC)
    return {"version": today.strftime("%Y.%m.%d"), "date": today.date().isoformat(),
            "commit": commit, "data": "sample" if "sample" in provenance else "official",
            "data_zh": "样例数据（非官方统计）" if "sample" in provenance else "官方数据"}


def _cycle(name_zh: str) -> str:
    """A 更新周期 as the catalogue writes it: sources.yml's 年 and 月 are 年度 and 月度."""
    return f"{name_zh}度" if name_zh in {"年", "月"} else name_zh


def _departments(names: list[str]) -> list[str]:
    """Distinct departments; the catalog joins joint providers with 、."""
    return sorted({d for name in names for d in name.split("、") if d})


def _strictest(values: list[str]) -> str:
    return max(values, key=SHARE_ORDER.index) if values else "无条件共享"


def _tables(con, docs: dict[str, TableDoc], indicators: dict[str, dict]) -> list[dict]:
    """Each table of the snapshot with its columns and the indicators it carries."""
    tables = []
    for (name,) in con.execute("SHOW TABLES").fetchall():
        doc = docs.get(name) or TableDoc(name, "")
        columns = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_name = ? ORDER BY ordinal_position", [name]).fetchall()
        carried = {code for c, _ in columns for code in doc.origins.get(c, ())}
        if ROW_KEY in dict(columns):
            carried |= {c for (c,) in con.execute(f'SELECT DISTINCT {ROW_KEY} FROM "{name}"').fetchall()}
        carried &= set(indicators)
        tables.append({"name": name, "doc": doc, "columns": columns, "indicators": sorted(carried),
                       "rows": con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]})
    return tables


def _sharing(table: dict, indicators: dict[str, dict]) -> dict:
    """共享属性 and 开放属性 of a table: the strictest of the indicators it carries."""
    carried = [indicators[c] for c in table["indicators"]]
    share_type = _strictest([i["share_type_zh"] for i in carried])
    conditional = [i for i in carried if i["share_type_zh"] == share_type and share_type != "无条件共享"]
    closed = [i for i in carried if not i["open_to_public"]]
    return {
        "share_type_zh": share_type,
        "share_type_en": SHARE_TYPES_EN[share_type],
        "share_condition_zh": "；".join(sorted({i["share_condition_zh"] for i in conditional
                                               if i["share_condition_zh"]})),
        "share_method_zh": "；".join(sorted({m for i in carried for m in i["share_method_zh"].split("；")
                                            if m})) or "接口调用；文件下载",
        "conditional_indicators": [i["indicator_code"] for i in conditional],
        "open_to_public": not closed,
        "open_condition_zh": "；".join(sorted({i["open_condition_zh"] for i in closed
                                              if i["open_condition_zh"]})),
    }


def _field(column: str, duckdb_type: str, doc: TableDoc, indicators: dict[str, dict]) -> dict:
    field = {"name": column, "type": table_schema_type(duckdb_type)}
    if title := doc.name_zh(column):
        field["title"] = title
    code = doc.indicators.get(column)
    if code in indicators:
        field["unit"] = indicators[code]["unit"]
        field["indicator_code"] = code
    if description := doc.comment(column):
        field["description"] = description
    return field


def datapackage(tier: Tier, tables: list[dict], indicators: dict[str, dict], rel: dict) -> dict:
    names = {t["name"] for t in tables}
    resources = []
    for t in tables:
        doc: TableDoc = t["doc"]
        schema = {"fields": [_field(c, ty, doc, indicators) for c, ty in t["columns"]],
                  "missingValues": [""]}
        if doc.primary_key:
            schema["primaryKey"] = list(doc.primary_key)
        foreign = [{"fields": list(cols), "reference": {"resource": target, "fields": list(ref)}}
                   for cols, target, ref in doc.foreign_keys if target in names]
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append({
            "name": t["name"], "path": f"csv/{t['name']}.csv", "profile": "tabular-data-resource",
            "title": f"{doc.title_zh} {t['name']}".strip(), "description": doc.description,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
            "schema": schema,
            "sharing": _sharing(t, indicators),
            "alternates": {"parquet": f"parquet/{t['name']}.parquet", "xlsx": f"xlsx/{t['name']}.xlsx",
                           "duckdb": f"{SNAPSHOT_NAME}#{t['name']}"},
        })
    departments = _departments([s[2] for t in tables for s in t["doc"].sources]
                               + [i["provider_zh"] for i in indicators.values()])
    return {
        "profile": "tabular-data-package",
        "name": f"{PACKAGE_NAME}-{tier.name}",
        "title": f"巴中市减污降碳协同增效指标数据（{tier.title_zh}） Bazhong pollution-carbon synergy "
                 f"indicators ({tier.title_en})",
        "description": "Indicators of 《巴中市减污降碳协同增效行动方案》 (2023) and their targets, "
                       "conformed from the city departments' statistics. "
                       + ("Generated sample data, not official statistics (provenance = sample)."
                          if rel["data"] == "sample" else ""),
        "version": rel["version"],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "release": rel,
        "tier": tier.name,
        "licenses": LICENCES[tier.name],
        "keywords": ["巴中", "Bazhong", "减污降碳", "pollution-carbon synergy", "indicators"],
        "sources": [{"title": "巴中市减污降碳协同增效行动方案（2023）"}]
                   + [{"title": d} for d in departments],
        "contributors": [{"title": "Bazhong synergy data warehouse (this repository)", "role": "publisher"}]
                        + [{"title": d, "role": "author"} for d in departments],
        "resources": resources,
    }


def summary_zh(table: dict, doc: TableDoc, providers: list[str]) -> str:
    """The 信息资源摘要, in Chinese, from what the table is: its name, what a row is (its
    key's Chinese names), its main items and where they come from."""
    keys = set(doc.primary_key) | {c for cols, _, _ in doc.foreign_keys for c in cols} | DESCRIPTIVE
    items = [doc.name_zh(c) for c, _ in table["columns"] if c not in keys and doc.name_zh(c)]
    shown = "、".join(items[:8]) + (f"等 {len(items)} 项" if len(items) > 8 else "")
    grain = "、".join(doc.name_zh(c) or c for c in doc.primary_key)
    return "".join([f"{doc.title_zh or table['name']}。",
                    f"每行为一个{grain}。" if grain else "",
                    f"数据项：{shown}。" if shown else "",
                    f"数据来自{'、'.join(providers)}。" if providers else ""])


def catalogue(tier: Tier, tables: list[dict], indicators: dict[str, dict], rel: dict,
              domains: dict[str, dict], codes: dict[str, str]) -> list[dict]:
    """One 编制指南 entry per table, Chinese headings."""
    entries = []
    others = {t["name"]: t["doc"] for t in tables}
    for t in tables:
        doc: TableDoc = t["doc"]
        carried = [indicators[c] for c in t["indicators"]]
        providers = _departments([i["provider_zh"] for i in carried]) or _departments(
            [s[2] for s in doc.sources])
        cycles = sorted({_cycle(c) for i in carried for c in (i["update_cycle_zh"] or "").split("、") if c}) \
            or sorted({_cycle(s[3]) for s in doc.sources if s[3]})
        domain = Path(doc.path).parent.name
        sharing = _sharing(t, indicators)
        entries.append({
            "信息资源分类": (f"{CATEGORY[0]} {CATEGORY[1]} / {CATEGORY[2]} {CATEGORY[3]} / "
                        f"{domains.get(domain, {}).get('code', '000')} "
                        f"{domains.get(domain, {}).get('name_zh', domain)}"),
            "信息资源名称": doc.title_zh or t["name"],
            "信息资源代码": resource_code(doc, domains),
            "信息资源提供方": "、".join(providers),
            "信息资源提供方代码": "、".join(codes.get(p, "") for p in providers),
            "信息资源摘要": summary_zh(t, doc, providers),
            "信息资源格式": "数据库类：DuckDB；电子表格类：XLSX、CSV；其他：Parquet",
            "信息项信息": [{"信息项名称": doc.name_zh(c) or c, "字段名": c,
                           "数据类型": CATALOGUE_TYPES[table_schema_type(ty)], "说明": doc.comment(c)}
                          for c, ty in t["columns"]],
            "共享属性": {"共享类型": sharing["share_type_zh"], "共享条件": sharing["share_condition_zh"],
                     "共享方式": sharing["share_method_zh"]},
            "开放属性": {"是否向社会开放": "是" if sharing["open_to_public"] else "否",
                     "开放条件": sharing["open_condition_zh"]},
            "更新周期": "、".join(cycles),
            "发布日期": rel["date"],
            "关联资源代码": [resource_code(others[target], domains) for _, target, _ in doc.foreign_keys
                       if target in others],
            "数据量（行）": t["rows"],
            # beyond the 编制指南: the table's name everywhere else, and its English summary
            "资源标识": f"511900.marts.{t['name']}",
            "摘要（英文）": doc.description,
            "文件": {"csv": f"csv/{t['name']}.csv", "xlsx": f"xlsx/{t['name']}.xlsx",
                   "parquet": f"parquet/{t['name']}.parquet"},
        })
    return entries


def write_catalogue_xlsx(entries: list[dict], rel: dict, path: Path) -> None:
    """Sheet 信息资源目录 (one row per resource) and 信息项 (one row per column)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("信息资源目录")
    flat = [k for k in entries[0] if k not in {"信息项信息", "共享属性", "开放属性", "文件"}]
    sheet.append([*flat[:7], "共享类型", "共享条件", "共享方式", "是否向社会开放", "开放条件", *flat[7:]])
    for e in entries:
        cells = [e[k] if not isinstance(e[k], list) else "；".join(e[k]) for k in flat]
        sheet.append([*cells[:7], *e["共享属性"].values(), *e["开放属性"].values(), *cells[7:]])
    items = book.create_sheet("信息项")
    items.append(["信息资源代码", "信息项名称", "字段名", "数据类型", "说明"])
    for e in entries:
        for item in e["信息项信息"]:
            items.append([e["信息资源代码"], *item.values()])
    about = book.create_sheet("版本")
    for key, value in rel.items():
        about.append([key, value])
    book.save(path)


def write_catalogues(tier_dir: Path, docs: dict[str, TableDoc], tier: Tier, repo_dir: Path,
                     domains: dict[str, dict], codes: dict[str, str]) -> list[Path]:
    """tier_dir/datapackage.json, catalogue.json and catalogue.xlsx."""
    with open_snapshot(tier_dir) as con:
        cursor = con.execute("SELECT * FROM dim_indicator ORDER BY indicator_code")
        names = [d[0] for d in cursor.description]
        indicators = {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
        provenance = [r[0] for r in con.execute(
            "SELECT DISTINCT provenance FROM fct_indicator_observation ORDER BY 1").fetchall()]
        tables = _tables(con, docs, indicators)
    rel = release(repo_dir, provenance)
    package = datapackage(tier, tables, indicators, rel)
    for resource in package["resources"]:  # the CSVs `exports` wrote: readers can check them
        body = (tier_dir / resource["path"]).read_bytes()
        resource["bytes"], resource["hash"] = len(body), "sha256:" + hashlib.sha256(body).hexdigest()
    entries = catalogue(tier, tables, indicators, rel, domains, codes)
    written = []
    for name, body in [("datapackage.json", package),
                       ("catalogue.json", {"目录": f"巴中市减污降碳协同增效信息资源目录（{tier.title_zh}）",
                                           "版本": rel, "信息资源": entries})]:
        target = tier_dir / name
        tmp = temp_path(target)
        tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    target = tier_dir / "catalogue.xlsx"
    tmp = temp_path(target)
    write_catalogue_xlsx(entries, rel, tmp)
    tmp.replace(target)
    return [*written, target]
