"""dashboard/index.html: every plan target with its status, latest value, target and a
trend sparkline, filters by domain and region, and the county scorecard, in Chinese and
English. One self-contained file (inline styles, script and data): it opens offline, from a
file share or any static web server."""

import json
from datetime import UTC, datetime
from pathlib import Path

from .files import temp_path
from .metadata import DOMAINS_ZH
from .snapshot import open_snapshot

TEMPLATE = Path(__file__).with_name("dashboard.html")
CITY = "511900"


def _rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def dashboard_data(publish_dir: Path) -> dict:
    with open_snapshot(publish_dir) as con:
        targets = _rows(con, """
            SELECT target_id, indicator_code, target_indicator_zh AS name_zh,
                   target_indicator_en AS name_en, domain, region_code, comparator, target_value,
                   unit, target_year, latest_year, latest_value, status, provenance
            FROM mart_target_progress ORDER BY target_id, region_code""")
        scorecard = _rows(con, """
            SELECT target_id, indicator_code, target_indicator_zh AS name_zh,
                   target_indicator_en AS name_en, domain, region_code, region_name_zh,
                   region_name_en, unit, latest_year, latest_value, status,
                   rank_among_counties AS rank, counties_ranked AS of, share_of_city_pct
            FROM mart_county_scorecard ORDER BY target_id, rank_among_counties NULLS LAST, region_code""")
        regions = _rows(con, """
            SELECT region_code AS code, name_zh AS zh, name_en AS en FROM dim_region
            WHERE region_code IN (SELECT region_code FROM mart_target_progress)
            ORDER BY region_code""")
        series: dict[str, list] = {}
        for code, area, year, value in con.execute("""
                SELECT indicator_code, ref_area, CAST(time_period AS INTEGER), obs_value
                FROM fct_indicator_observation
                WHERE freq = 'A' AND indicator_code IN (SELECT indicator_code FROM mart_target_progress)
                ORDER BY indicator_code, ref_area, time_period""").fetchall():
            series.setdefault(f"{code}|{area}", []).append([year, value])
    for t in targets:
        t["domain_zh"] = DOMAINS_ZH.get(t["domain"], t["domain"])
    domains = sorted({t["domain"] for t in targets})
    return {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "source": "bazhong.duckdb (mart_target_progress, mart_county_scorecard, fct_indicator_observation)",
        "city": CITY,
        "has_sample": any(t["provenance"] == "sample" for t in targets),
        "domains": [{"code": d, "zh": DOMAINS_ZH.get(d, d), "en": d.replace("_", " ")} for d in domains],
        "regions": regions,
        "targets": targets,
        "scorecard": scorecard,
        "series": series,
    }


def write_dashboard(publish_dir: Path) -> Path:
    data = json.dumps(dashboard_data(publish_dir), ensure_ascii=False, default=str)
    # inside <script>, "</" would end the element early
    html = TEMPLATE.read_text(encoding="utf-8").replace("/*DATA*/", data.replace("</", "<\\/"))
    target = publish_dir / "dashboard" / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(target)
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(target)
    return target
