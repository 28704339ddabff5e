"""catalog.json: every published table (description, rows, columns with type, description
and indicator) and every indicator (bilingual names, unit, definition, share type, plan
targets, where it is published), for the 智慧巴中 platform and any machine reader."""

import json
from datetime import UTC, datetime
from pathlib import Path

from .files import temp_path
from .metadata import TableDoc
from .snapshot import SNAPSHOT_NAME, open_snapshot

# The three sharing types of government data (《政务信息资源共享管理暂行办法》, 国发〔2016〕51号)
SHARE_TYPES_EN = {"无条件共享": "unconditional sharing", "有条件共享": "conditional sharing",
                  "不予共享": "not shared"}


def write_catalog(publish_dir: Path, docs: dict[str, TableDoc]) -> Path:
    with open_snapshot(publish_dir) as con:
        tables = []
        for (name,) in con.execute("SHOW TABLES").fetchall():
            doc = docs.get(name) or TableDoc(name, "")
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position", [name]).fetchall()
            tables.append({
                "name": name,
                "description": doc.description,
                "rows": con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0],
                "dbt_model": doc.path,
                "files": {"duckdb": f"{SNAPSHOT_NAME}#{name}", "parquet": f"parquet/{name}.parquet",
                          "csv": f"csv/{name}.csv"},
                "columns": [{"name": c, "type": t, "description": doc.columns.get(c, ""),
                             **({"indicator_code": doc.indicators[c]} if c in doc.indicators else {})}
                            for c, t in columns],
            })
        provenance = [r[0] for r in con.execute(
            "SELECT DISTINCT provenance FROM fct_indicator_observation ORDER BY 1").fetchall()]
        cursor = con.execute("SELECT * FROM dim_indicator ORDER BY indicator_code")
        names = [d[0] for d in cursor.description]
        indicators = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    published_in: dict[str, list[str]] = {}
    for doc in docs.values():
        for column, code in doc.indicators.items():
            published_in.setdefault(code, []).append(f"{doc.name}.{column}")
    for ind in indicators:
        ind["share_type_en"] = SHARE_TYPES_EN.get(ind.get("share_type_zh"), "")
        ind["published_in"] = sorted(published_in.get(ind["indicator_code"], []))
        ind["sdmx"] = {"dataflow": "CN_BAZHONG:SYNERGY_INDICATORS(1.0)",
                       "file": "sdmx/fct_indicator_observation.csv",
                       "key": f"INDICATOR={ind['indicator_code']}"}
    catalog = {
        "title": {"zh": "巴中市减污降碳协同增效数据仓库 · 发布目录",
                  "en": "Bazhong pollution-carbon synergy data warehouse: published catalog"},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "provenance_in_data": provenance,
        "note": {"zh": "provenance = sample 的数据为样例数据，不是官方统计。",
                 "en": "Rows with provenance = sample are generated sample data, not official statistics."},
        "tables": tables,
        "indicators": indicators,
    }
    target = publish_dir / "catalog.json"
    tmp = temp_path(target)
    tmp.write_text(json.dumps(catalog, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(target)
    return target
