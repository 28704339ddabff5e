"""Write the bundled sample files. Deterministic (fixed seed): `python -m ingestion.sample_data.generate`.

These figures are SAMPLE data, not official statistics: no county-level series of these
indicators was found in published sources (shared/reference/domain_research.md §3.3 marks
them [NF]). Every row says so in its 数据说明 column. Magnitudes are chosen to be plausible for
Bazhong (resident population about 2.6 million, urbanisation about 48%, a small industrial
base with coal and mineral extraction in 通江/南江).
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

from . import DROP_SAMPLE_DIR

HERE = Path(__file__).resolve().parent
SEED = 20231116  # the day the plan was published
YEARS = range(2015, 2025)
SAMPLE_NOTE = "样例数据（sample，非官方统计）"
# Files departments send by file transfer rather than serve: `make run` copies them to the drop folder.

# County/district: (industrial solid waste generated in 2015, 万吨; urban domestic waste in 2015, 万吨).
COUNTIES = {
    "巴州区": (38.0, 12.5),
    "恩阳区": (12.0, 3.6),
    "通江县": (33.0, 5.4),
    "南江县": (46.0, 5.0),
    "平昌县": (27.0, 5.8),
}
# Some departments write the short name (简称); staging maps both.
DOMESTIC_NAMES = {"通江县": "通江", "南江县": "南江"}


def _csv_bytes(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def industrial_solid_waste(rng: random.Random) -> bytes:
    header = ["年份", "地区", "产生量(万吨)", "综合利用量(万吨)", "其中利用往年贮存量(万吨)",
              "处置量(万吨)", "贮存量(万吨)", "数据说明"]
    rows = []
    for county, (base, _) in COUNTIES.items():
        generated = base
        for i, year in enumerate(YEARS):
            generated *= 1 + rng.uniform(-0.04, 0.06)
            rate = min(0.62 + 0.022 * i + rng.uniform(-0.03, 0.03), 0.95)  # rises towards 80%+
            from_storage = generated * rng.uniform(0.01, 0.04)
            utilized = rate * (generated + from_storage)
            disposed = (generated - utilized + from_storage) * rng.uniform(0.5, 0.8)
            stored = max(generated + from_storage - utilized - disposed, 0)
            rows.append([str(year), county, f"{generated:.2f}", f"{utilized:.2f}",
                         f"{from_storage:.2f}", f"{disposed:.2f}", f"{stored:.2f}", SAMPLE_NOTE])
    return _csv_bytes(header, rows, "gb18030")  # the 生态环境局 exports GB18030


# Share of the harmlessly treated waste incinerated, by county and year (the rest landfilled):
# 巴州区 and 恩阳区 send theirs to the city's waste-to-energy plant from 2020, the three
# counties from 2023 (sample; China burnt about 60 % of urban waste by 2020, 城乡建设统计年鉴).
INCINERATION_FROM = {"巴州区": 2020, "恩阳区": 2020, "通江县": 2023, "南江县": 2023, "平昌县": 2023}


def domestic_waste(rng: random.Random, inventory: random.Random) -> bytes:
    header = ["年份", "县区", "生活垃圾清运量(万吨)", "无害化处理量(万吨)", "其中卫生填埋量(万吨)",
              "其中焚烧处理量(万吨)", "数据说明"]
    rows = []
    for county, (_, base) in COUNTIES.items():
        collected = base
        for i, year in enumerate(YEARS_TO_2025):
            # 2025 came with the inventory's fields: drawn from their generator, the rest unchanged
            draw = rng if year in YEARS else inventory
            collected *= 1 + draw.uniform(0.0, 0.04)
            rate = min(0.955 + 0.0048 * i + draw.uniform(-0.004, 0.004), 0.999)
            treated = collected * rate
            start = INCINERATION_FROM[county]
            share = min(0.45 + 0.1 * (year - start), 0.85)
            burnt = 0.0 if year < start else share * inventory.uniform(0.97, 1.0)
            rows.append([str(year), DOMESTIC_NAMES.get(county, county), f"{collected:.2f}", f"{treated:.2f}",
                         f"{treated * (1 - burnt):.2f}", f"{treated * burnt:.2f}", SAMPLE_NOTE])
    return _csv_bytes(header, rows, "utf-8")


def hazardous_waste(rng: random.Random) -> list[dict]:
    """Records of the 生态环境局 open-data API (paged JSON, token required), in tonnes."""
    records = []
    base = {"巴州区": 5200.0, "恩阳区": 1300.0, "通江县": 2100.0, "南江县": 2600.0, "平昌县": 1800.0}
    for county, generated in base.items():
        for i, year in enumerate(YEARS):
            generated *= 1 + rng.uniform(-0.03, 0.07)
            earlier = generated * rng.uniform(0.02, 0.06)
            handled = (generated + earlier) * min(0.93 + 0.008 * i + rng.uniform(-0.01, 0.01), 1.0)
            utilized = handled * rng.uniform(0.35, 0.55)
            # rounded as published, utilised + disposed still ≤ generated + stored earlier
            whole = round(generated, 1) + round(earlier, 1)
            disposed = min(round(handled - utilized, 1), round(whole - round(utilized, 1), 1))
            records.append({
                "stat_year": year, "district_name": county,
                "hw_generated_t": round(generated, 1), "hw_stored_earlier_t": round(earlier, 1),
                "hw_utilized_t": round(utilized, 1), "hw_disposed_t": disposed,
                "remark": SAMPLE_NOTE,
            })
    return records


def installed_capacity(rng: random.Random) -> bytes:
    """发改委's 统计报表 as .xlsx: title row, two-row merged header, note rows under the table."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "装机容量"
    kinds = ["水电", "风电", "光伏", "生物质"]
    ws.append(["巴中市分县区发电装机容量统计表（样例数据 sample）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    ws.append(["年份", "地区", "装机容量(万千瓦)", None, None, None, "数据说明"])
    ws.append([None, None, *kinds, None])
    for col in (1, 2, 7):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=6)
    # 万千瓦 in 2015; hydro dominates (渠江 basin), wind and PV grow fast after 2020
    start = {"巴州区": (4.0, 0.0, 0.5, 0.0), "恩阳区": (1.5, 0.0, 0.3, 0.0),
             "通江县": (9.0, 2.0, 0.8, 0.0), "南江县": (11.0, 1.0, 0.6, 1.5),
             "平昌县": (8.0, 1.5, 0.7, 0.0)}
    for county, (hydro, wind, pv, bio) in start.items():
        for year in YEARS:
            growth = 1.25 if year >= 2020 else 1.08
            hydro *= 1 + rng.uniform(0.0, 0.05)
            wind = wind * growth + (rng.uniform(0.3, 1.2) if year >= 2019 else 0)
            pv = pv * growth + rng.uniform(0.1, 0.8)
            bio = bio + (3.0 if county == "南江县" and year == 2022 else 0)  # 南江 30 MW biomass
            ws.append([year, county, round(hydro, 2), round(wind, 2), round(pv, 2),
                       round(bio, 2), SAMPLE_NOTE])
    ws.append(["注：本表为样例数据（sample），非官方统计；装机容量为年末数。"])
    ws.append(["资料来源：巴中市发展和改革委员会（样例）"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the other departments (issue 4): 2015–2025, plus 2005 where a 2005 baseline is needed ---

YEARS_TO_2025 = range(2015, 2026)
CITY = "巴中市"
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _f(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


def _ramp(start: float, end: float, year: int, first: int = 2015, last: int = 2025) -> float:
    """Linear path from `start` in `first` to `end` in `last`."""
    return start + (end - start) * (year - first) / (last - first)


# GDP at current prices of the city (亿元). Published figures carry their source; the rest
# are sample. 2017's published 601.44 is the pre-census vintage and is not used (the series
# was revised after the 4th economic census); 2020's first estimate 766.99 was revised
# downward to a value not found (domain_research §3.2).
GDP_PUBLISHED = {
    2021: (742.51, "巴中市2021年国民经济运行情况（澎湃新闻转载），domain_research §3.2"),
    2023: (780.28, "巴中发布《数说巴中75年》，domain_research §3.2"),
}
GDP_SHARES = {"巴州区": 0.30, "恩阳区": 0.10, "通江县": 0.19, "南江县": 0.19, "平昌县": 0.22}
COUNTY_CODES = {"巴中市": "511900", "巴州区": "511902", "恩阳区": "511903", "通江县": "511921",
                "南江县": "511922", "平昌县": "511923"}


def economy_easyquery(rng: random.Random) -> dict:
    """The NBS easyquery answer (returndata.wdnodes/datanodes) for GDP, its volume index
    (2020 = 100) and industry value added, city and counties, 2005 and 2015–2025."""
    years = [2005, *YEARS_TO_2025]
    real_growth = {2016: 8.0, 2017: 8.1, 2018: 7.5, 2019: 7.0, 2020: 2.5, 2021: 3.3, 2022: 2.2,
                   2023: 5.6, 2024: 5.2, 2025: 5.4}
    index = {2020: 100.0}
    for year in range(2019, 2014, -1):
        index[year] = index[year + 1] / (1 + real_growth[year + 1] / 100)
    for year in range(2021, 2026):
        index[year] = index[year - 1] * (1 + real_growth[year] / 100)
    index[2005] = index[2015] / 1.125 ** 10  # about 12.5% a year in 2006–2015
    gdp = {2020: 706.0}
    for year in sorted(index):
        deflator = 1.025 ** (year - 2020)
        gdp.setdefault(year, 706.0 * index[year] / 100 * deflator * rng.uniform(0.99, 1.01))
    gdp.update({y: v for y, (v, _) in GDP_PUBLISHED.items()})
    industry_share = {y: 0.19 - 0.003 * (y - 2015) if y >= 2015 else 0.24 for y in years}
    nodes, memo_sample = [], SAMPLE_NOTE
    for region, code in COUNTY_CODES.items():
        share = 1.0 if region == CITY else GDP_SHARES[region] * rng.uniform(0.97, 1.03)
        for year in years:
            exists = not (region == "恩阳区" and year < 2013)  # 恩阳区 was created in 2013
            g = gdp[year] * share
            cells = {"A020101": g, "A020102": index[year] * rng.uniform(0.995, 1.005)
                     if region != CITY and year != 2020 else index[year],
                     "A020301": g * industry_share[year]}
            for zb, value in cells.items():
                node = {"code": f"zb.{zb}_reg.{code}_sj.{year}",
                        "data": {"data": round(value, 2) if exists else 0, "dotcount": 2,
                                 "hasdata": exists, "strdata": f"{value:.2f}" if exists else ""},
                        "wds": [{"valuecode": zb, "wdcode": "zb"}, {"valuecode": code, "wdcode": "reg"},
                                {"valuecode": str(year), "wdcode": "sj"}]}
                if region == CITY and zb == "A020101" and year in GDP_PUBLISHED:
                    node["memo"] = f"公开数据：{GDP_PUBLISHED[year][1]}"
                nodes.append(node)
    indicators = [("A020101", "地区生产总值(当年价格)", "亿元"),
                  ("A020102", "地区生产总值指数(2020年=100)", "%"),
                  ("A020301", "工业增加值(当年价格)", "亿元")]
    wdnodes = [
        {"wdcode": "zb", "wdname": "指标", "nodes": [
            {"code": c, "cname": n, "unit": u, "memo": memo_sample, "dotcount": 2}
            for c, n, u in indicators]},
        {"wdcode": "reg", "wdname": "地区", "nodes": [
            {"code": code, "cname": name} for name, code in COUNTY_CODES.items()]},
        {"wdcode": "sj", "wdname": "时间", "nodes": [{"code": str(y), "cname": f"{y}年"} for y in years]},
    ]
    return {"returncode": 200,
            "returndata": {"datanodes": nodes, "wdnodes": wdnodes, "hasdatacount": len(nodes)}}


# Coal-equivalent coefficients (kgce per kg, or per m3 for gas), as in the coal_equivalent_coefficients seed.
KGCE = {"raw_coal": 0.7143, "gasoline": 1.4714, "diesel": 1.4571, "lpg": 1.7143, "natural_gas": 1.33}


def energy_consumption(rng: random.Random) -> bytes:
    """City energy consumption by fuel (physical units), 2005 and 2015–2025. The coal share
    falls and the non-fossil share rises; totals add up from the parts in coal equivalent."""
    header = ["年份", "地区", "原煤(万吨)", "汽油(万吨)", "柴油(万吨)", "液化石油气(万吨)",
              "天然气(亿立方米)", "全社会用电量(亿千瓦时)", "净调入电量(亿千瓦时)",
              "非化石能源(万吨标准煤)", "能源消费总量(万吨标准煤)", "数据说明"]
    rows = []
    for year in [2005, *YEARS_TO_2025]:
        total = 180.0 if year == 2005 else 290.0 * 1.022 ** (year - 2015) * rng.uniform(0.99, 1.01)
        coal_share = 0.55 if year == 2005 else _ramp(0.33, 0.235, year)
        non_fossil_share = 0.12 if year == 2005 else _ramp(0.30, 0.405, year)
        oil_share = 0.15 if year == 2005 else _ramp(0.21, 0.19, year)
        gas_share = 1 - coal_share - non_fossil_share - oil_share - 0.01
        coal_t = total * coal_share / KGCE["raw_coal"]
        gasoline_t = total * oil_share * 0.45 / KGCE["gasoline"]
        diesel_t = total * oil_share * 0.55 / KGCE["diesel"]
        lpg_t = total * 0.01 / KGCE["lpg"]
        gas_m3 = total * gas_share / KGCE["natural_gas"] / 1e4  # 万吨标准煤 → 亿立方米
        electricity = (25.0 if year == 2005 else 62.0 * 1.045 ** (year - 2015))
        imported = electricity * (0.35 if year == 2005 else _ramp(0.30, 0.22, year))
        coal_cell = _f(coal_t) + ("万吨" if year == 2018 else "")  # a unit written in the cell
        lpg_cell = "—" if year == 2005 else _f(lpg_t)  # no LPG figure for 2005
        rows.append([str(year), CITY if year != 2016 else "巴中", coal_cell, _f(gasoline_t), _f(diesel_t),
                     lpg_cell, _f(gas_m3), _f(electricity), _f(imported), _f(total * non_fossil_share),
                     _f(total), SAMPLE_NOTE])
    return _csv_bytes(header, rows, "gbk")


def energy_supply(rng: random.Random) -> bytes:
    header = ["年份", "天然气年产能(亿立方米)", "页岩油产能(万吨)", "电网总投资(万元)", "城乡配网投资(万元)",
              "城市供电可靠率(%)", "农村供电可靠率(%)", "数据说明"]
    rows = []
    for year in YEARS_TO_2025:
        investment = _ramp(80000, 150000, year) * rng.uniform(0.95, 1.05)
        shale = {2023: 0.4, 2024: 1.1, 2025: 2.2}.get(year)
        rows.append([str(year), _f(_ramp(3.0, 17.5, year) * rng.uniform(0.97, 1.03)),
                     _f(shale) if shale else "", _f(investment, 0),
                     _f(investment * _ramp(0.44, 0.51, year), 0),
                     _f(_ramp(99.950, 99.972, year), 3), _f(_ramp(99.80, 99.862, year), 3), SAMPLE_NOTE])
    return _csv_bytes(header, rows, "gb18030")


def transport(rng: random.Random) -> bytes:
    header = ["年份", "新增交通工具(辆)", "其中新能源清洁能源(辆)", "货运量合计(万吨)", "铁路货运量(万吨)",
              "主城区绿色出行比例(%)", "绿色公路废料回收率(%)", "绿色公路废料循环利用率(%)",
              "高速公路服务区(个)", "其中具备快充(个)", "其中具备充换电(个)", "公路客运枢纽(个)",
              "其中客运枢纽具备快充(个)", "其中客运枢纽具备充换电(个)", "数据说明"]
    rows = []
    for year in YEARS_TO_2025:
        added = 30000 * rng.uniform(0.9, 1.1)
        clean = added * _ramp(0.04, 0.30, year) ** 1.0
        freight = _ramp(3400, 4100, year) * rng.uniform(0.98, 1.02)
        areas = 10 if year < 2021 else 12
        fast = min(areas, max(0, round(_ramp(-4, 10, year))))
        swap = min(fast, max(0, round(_ramp(-6, 7, year))))
        hubs = 8
        hub_fast = max(0, round(_ramp(-2, 4, year)))
        hub_swap = max(0, round(_ramp(-3, 3, year)))
        survey = _f(_ramp(68, 80.5, year), 1) if year >= 2019 else "—"  # travel survey from 2019
        recovery = _f(_ramp(80, 98.3, year), 1) if year >= 2021 else "-"
        recycling = _f(_ramp(50, 78.5, year), 1) if year >= 2021 else "-"
        year_cell = str(year).translate(FULL_WIDTH) if year == 2018 else str(year)  # full-width digits
        freight_cell = f"{freight:,.1f}" + ("万吨" if year >= 2023 else "")  # separators; unit in cell
        rows.append([year_cell, _f(added, 0), _f(clean, 0), freight_cell,
                     _f(freight * _ramp(0.028, 0.058, year), 1), survey, recovery, recycling,
                     str(areas), str(fast), str(swap), str(hubs), str(hub_fast), str(hub_swap), SAMPLE_NOTE])
    return _csv_bytes(header, rows, "gbk")


FOREST_PUBLISHED = {
    2017: (57.33, "国家森林城市称号报道（new.dshei.com/zrdl/12885.html），domain_research §3.4"),
    2022: (63.18, "巴中日报 2022-12（国家生态文明建设示范区），domain_research §3.4"),
}


# Land area by county (km2, sample: about the published 12,300 km2 of the city in all) and
# the forest's make-up by type (tree forest most of it; bamboo and special shrub forest the rest).
LAND_KM2 = {"巴州区": 1418, "恩阳区": 1156, "通江县": 4116, "南江县": 3383, "平昌县": 2229}
FOREST_TYPES = {"arbor": 0.85, "bamboo": 0.05, "shrub": 0.10}


def forestry(rng: random.Random, inventory: random.Random) -> bytes:
    """Counties and the city; the city's coverage in 2017 and 2022 is the published figure.
    Forest area by type (ha) is coverage × land area split by FOREST_TYPES (sample)."""
    header = ["年份", "地区", "森林覆盖率(%)", "森林蓄积量(万立方米)", "乔木林面积(公顷)", "竹林面积(公顷)",
              "特殊灌木林面积(公顷)", "水系防护林新(补)植(公里)", "数据说明"]
    offsets = {"巴州区": -6.0, "恩阳区": -9.0, "通江县": 4.0, "南江县": 6.5, "平昌县": -3.0}
    stock_share = {"巴州区": 0.14, "恩阳区": 0.08, "通江县": 0.30, "南江县": 0.30, "平昌县": 0.18}
    rows = []
    for year in YEARS_TO_2025:
        city_cover = FOREST_PUBLISHED.get(year, (None,))[0] or (
            _ramp(55.6, 63.18, year, 2015, 2022) if year <= 2022 else 63.18 + 0.45 * (year - 2022))
        city_stock = _ramp(3900, 6450, year)
        shelter = {c: rng.uniform(25, 45) if year >= 2021 else None for c in offsets}
        city_areas = dict.fromkeys(FOREST_TYPES, 0.0)
        for county in offsets:
            cover = city_cover + offsets[county] + rng.uniform(-0.3, 0.3)
            areas = {t: cover / 100 * LAND_KM2[county] * 100 * share * inventory.uniform(0.995, 1.005)
                     for t, share in FOREST_TYPES.items()}
            city_areas = {t: city_areas[t] + round(areas[t]) for t in areas}
            rows.append([str(year), county, _f(cover), _f(city_stock * stock_share[county]),
                         *(_f(areas[t], 0) for t in FOREST_TYPES),
                         _f(planted, 1) if (planted := shelter[county]) else "—", SAMPLE_NOTE])
        published = FOREST_PUBLISHED.get(year)
        note = f"森林覆盖率为公开数据：{published[1]}；其余为样例数据（sample）" if published else SAMPLE_NOTE
        total_shelter = sum(v for v in shelter.values() if v) if year >= 2021 else None
        rows.append([str(year), CITY, _f(city_cover), _f(city_stock),
                     *(_f(city_areas[t], 0) for t in FOREST_TYPES),
                     _f(total_shelter, 1) if total_shelter else "—", note])
    return _csv_bytes(header, rows, "gbk")


# Livestock at year end (万头/万只), rice sown area (千公顷) and nitrogen fertiliser (t N) by
# county in 2015 (sample). Magnitudes: a hilly Sichuan city of 2.6 million people where pig
# farming dominates (Sichuan keeps about 40 million pigs over 21 cities), goats are the 南江黄羊
# country, and rice is the main crop (Sichuan sows about 1.9 million ha of rice); nitrogen at
# about 150 kg N per hectare of cropland, falling with the 化肥减量 campaign.
AGRICULTURE = {
    #          cattle dairy  pigs  goats sheep poultry rice  N (t)
    "巴州区": (3.2, 0.08, 32.0, 9.0, 0.4, 380.0, 11.0, 5200),
    "恩阳区": (2.6, 0.05, 28.0, 6.0, 0.3, 300.0, 10.5, 4300),
    "通江县": (6.5, 0.06, 42.0, 16.0, 0.6, 420.0, 13.0, 6100),
    "南江县": (6.0, 0.10, 38.0, 22.0, 0.8, 360.0, 11.5, 5400),
    "平昌县": (4.8, 0.07, 50.0, 12.0, 0.5, 460.0, 17.0, 7000),
}


def agriculture(rng: random.Random) -> bytes:
    header = ["年份", "县区", "牛年末存栏(万头)", "其中奶牛(万头)", "生猪年末存栏(万头)",
              "山羊年末存栏(万只)", "绵羊年末存栏(万只)", "家禽年末存栏(万只)", "稻谷播种面积(千公顷)",
              "氮肥施用量(折纯,吨)", "数据说明"]
    rows = []
    for county, base in AGRICULTURE.items():
        for year in YEARS_TO_2025:
            # pigs fell with African swine fever (2019) and recovered; fertiliser N falls ~2 %/year
            swine_fever = {2019: 0.72, 2020: 0.85}.get(year, 1.0)
            cattle, dairy, pigs, goats, sheep, poultry, rice, n = (
                v * rng.uniform(0.97, 1.03) for v in base)
            rows.append([str(year), county, _f(cattle), _f(dairy, 3), _f(pigs * swine_fever), _f(goats),
                         _f(sheep), _f(poultry, 1), _f(rice * _ramp(1.0, 0.97, year)),
                         _f(n * 0.98 ** (year - 2015), 0), SAMPLE_NOTE])
    return _csv_bytes(header, rows, "utf-8")


def ecology_eqi(rng: random.Random) -> bytes:
    header = ["年份", "地区", "生态质量指数(EQI)", "生态质量类别", "数据说明"]
    base = {"巴中市": 68.0, "巴州区": 63.5, "恩阳区": 61.0, "通江县": 72.5, "南江县": 74.0, "平昌县": 66.0}
    rows = []
    for year in range(2020, 2026):  # EQI (HJ 1172-2021) is evaluated from 2020 on
        for region, eqi in base.items():
            value = eqi + 0.25 * (year - 2020) + rng.uniform(-0.4, 0.4)
            rows.append([str(year), region, _f(value), "一类" if value >= 70 else "二类", SAMPLE_NOTE])
    return _csv_bytes(header, rows, "utf-8")


def sewage_sludge(rng: random.Random, inventory: random.Random) -> bytes:
    """住建局 统计报表 (.xlsx) with a two-row merged header."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "污水污泥"
    ws.append(["巴中市城镇污水处理及污泥处置情况统计表（样例数据 sample）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=11)
    ws.append(["年份", "县区", "城镇污水(万立方米)", None, "污泥(吨)", None, "化学需氧量(吨)", "总氮(吨)",
               "数据说明"])
    ws.append([None, None, "排放量", "处理量", "产生量", "无害化处理处置量", "削减量", "排放量", None])
    for col in (1, 2, 9):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=4)
    ws.merge_cells(start_row=2, start_column=5, end_row=2, end_column=6)
    base = {"巴州区": 3500.0, "恩阳区": 900.0, "通江县": 800.0, "南江县": 750.0, "平昌县": 950.0}
    for county, discharged in base.items():
        for year in YEARS_TO_2025:
            discharged *= 1 + rng.uniform(0.01, 0.04)
            treated = discharged * min(_ramp(0.875, 0.962, year) + rng.uniform(-0.005, 0.005), 0.995)
            sludge = treated * rng.uniform(6.5, 7.5)
            sludge_rate = min(_ramp(0.86, 1.0, year, 2015, 2024), 1.0)
            # COD in 250 mg/L, out 30 (GB 18918 一级A allows 50): 2.2 t removed per 万 m3;
            # effluent total nitrogen about 12 mg/L (一级A allows 15): 0.12 t per 万 m3
            cod_removed = treated * 2.2 * inventory.uniform(0.9, 1.1)
            tn_out = treated * 0.12 * inventory.uniform(0.85, 1.05)
            ws.append([year, county, round(discharged, 1), round(treated, 1), round(sludge, 0),
                       round(sludge * sludge_rate, 0), round(cod_removed, 0), round(tn_out, 1), SAMPLE_NOTE])
    ws.append(["注：本表为样例数据（sample），非官方统计；污泥按含水率80%计。"])
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_times(buf.getvalue())


def drinking_water_sources(rng: random.Random) -> list[dict]:
    """One record per source and year: city-level sources (one or two per county) and
    township sources (five per county, four of them 千吨万人)."""
    classes = ["Ⅱ类", "Ⅲ类"]
    sources = []
    for n, county in enumerate(COUNTIES, 1):
        for k in range(1 + (county == "巴州区")):
            sources.append((f"BZ-{n}{k}C", f"{county[:2]}城区水源地{k + 1}号（样例）", county, "城市", "是"))
        for k in range(5):
            sources.append((f"BZ-{n}{k}T", f"{county[:2]}乡镇水源地{k + 1}号（样例）", county, "乡镇",
                            "是" if k < 4 else "否"))
    records = []
    for year in YEARS_TO_2025:
        warned = round(_ramp(1, 6, year, 2015, 2023))
        automated = round(_ramp(0, 20, year))
        for i, (code, name, county, level, big) in enumerate(sources):
            city_rank = sum(1 for s in sources[:i] if s[3] == "城市")
            big_rank = sum(1 for s in sources[:i] if s[4] == "是" and s[3] == "乡镇")
            cls = rng.choice(classes)
            if level == "乡镇" and year < 2024 and rng.random() < 0.05:
                cls = "Ⅳ类"  # an occasional township source below Class III
            records.append({
                "year": year, "source_code": code, "source_name": name, "county": county,
                "level": level, "is_qiandun_wanren": big, "water_quality_class": cls,
                **water_quality_parameters(code, year, cls),
                "has_warning_station": "是" if level == "城市" and city_rank < warned else "否",
                "has_auto_monitoring":
                    "是" if level == "乡镇" and big == "是" and big_rank < automated else "否",
                "remark": SAMPLE_NOTE,
            })
    return records


# GB 3838-2002 表1 limits for classes Ⅰ…Ⅴ of the parameters the sample reports (DO is a
# minimum, the others maxima; TP is stricter in lakes and reservoirs).
GB3838_LIMITS = {
    "do_mgl": (7.5, 6, 5, 3, 2),
    "codmn_mgl": (2, 4, 6, 10, 15),
    "nh3n_mgl": (0.15, 0.5, 1.0, 1.5, 2.0),
    "tp_mgl": (0.02, 0.1, 0.2, 0.3, 0.4),
    "tp_mgl_lake": (0.01, 0.025, 0.05, 0.1, 0.2),
}
ROMAN = {"Ⅰ类": 1, "Ⅱ类": 2, "Ⅲ类": 3, "Ⅳ类": 4, "Ⅴ类": 5}


def water_quality_parameters(code: str, year: int, cls: str) -> dict[str, str]:
    """Annual mean concentrations consistent with the reported class under the GB 3838
    single-factor rule: one parameter inside the class, the others in it or better. Drawn from
    a generator of their own, so the other sample datasets keep their bytes."""
    rng = random.Random(f"{SEED}-{code}-{year}")
    lake = code.endswith("1C")  # the second city source of 巴州区 is a reservoir
    rank = ROMAN[cls]
    names = ["do_mgl", "codmn_mgl", "nh3n_mgl", "tp_mgl"]
    limiting = rng.choice(names)
    values = {}
    for name in names:
        limits = GB3838_LIMITS["tp_mgl_lake" if name == "tp_mgl" and lake else name]
        k = rank if name == limiting else rng.randint(1, rank)  # class of this parameter
        if name == "do_mgl":  # higher is better: class k is [limit k, limit k-1)
            hi = limits[k - 2] if k > 1 else 10.0
            values[name] = _f(rng.uniform(limits[k - 1], hi - 0.01), 2)
        else:  # class k is (limit k-1, limit k]
            lo = limits[k - 2] if k > 1 else limits[0] / 4
            values[name] = _f(rng.uniform(lo + 0.001, limits[k - 1]), 3)
    return {"water_body_type": "湖库型" if lake else "河流型", **values}


def rural_environment(rng: random.Random) -> dict[int, bytes]:
    """农业农村局: one GBK file per year (file drop), 2019–2025."""
    header = ["年份", "县区", "行政村数(个)", "生活污水有效治理行政村(个)", "农村户数(万户)",
              "卫生厕所户数(万户)", "示范村户数(户)", "示范村无害化厕所户数(户)",
              "畜禽粪污产生量(万吨)", "畜禽粪污综合利用量(万吨)",
              "规模养殖场(个)", "粪污处理设施配套养殖场(个)", "数据说明"]
    size = {"巴州区": (310, 18.0, 120), "恩阳区": (220, 11.0, 70), "通江县": (390, 17.0, 110),
            "南江县": (330, 15.0, 95), "平昌县": (420, 22.0, 140)}
    files = {}
    for year in range(2019, 2026):
        rows = []
        for county, (villages, households, farms) in size.items():
            demo = 3000 + 200 * len(county)
            manure = 150 * households / 15 * rng.uniform(0.95, 1.05)
            rows.append([str(year), county, str(villages),
                         str(round(villages * min(_ramp(0.42, 0.765, year, 2019), 0.99)
                                   * rng.uniform(0.98, 1.02))),
                         _f(households, 1), _f(households * _ramp(0.78, 0.912, year, 2019), 2), str(demo),
                         str(round(demo * _ramp(0.80, 0.93, year, 2019))), _f(manure, 1),
                         _f(manure * _ramp(0.76, 0.955, year, 2019), 1), str(farms),
                         str(round(farms * _ramp(0.86, 1.0, year, 2019)))])
            rows[-1].append(SAMPLE_NOTE)
        files[year] = _csv_bytes(header, rows, "gbk")
    return files


def urban_construction(rng: random.Random) -> bytes:
    header = ["年份", "建成区面积(公顷)", "建成区绿化覆盖面积(公顷)", "新开工建筑面积(万平方米)",
              "其中装配式建筑(万平方米)", "城镇新建建筑面积(万平方米)", "其中绿色建筑(万平方米)",
              "其中星级绿色建筑(万平方米)", "城镇建筑可再生能源替代率(%)",
              "新建公共机构建筑和厂房屋顶光伏覆盖率(%)",
              "生活垃圾信息化监管平台(个)", "数据说明"]
    rows = []
    for year in YEARS_TO_2025:
        built = _ramp(4500, 6500, year)
        started = 520 * rng.uniform(0.85, 1.15)
        new_urban = 410 * rng.uniform(0.85, 1.15)
        green = new_urban * min(_ramp(0.40, 1.0, year), 1.0)
        rows.append([str(year), _f(built, 0), _f(built * _ramp(0.385, 0.452, year), 0), _f(started, 1),
                     _f(started * max(_ramp(-0.05, 0.31, year), 0), 1), _f(new_urban, 1), _f(green, 1),
                     _f(green * _ramp(0.05, 0.285, year), 1), _f(_ramp(2.0, 7.6, year), 1),
                     _f(_ramp(10, 46, year, 2022), 1) if year >= 2022 else "",
                     "1" if year >= 2023 else "0", SAMPLE_NOTE])
    return _csv_bytes(header, rows, "gbk")


def green_manufacturing(rng: random.Random, inventory: random.Random) -> bytes:
    """经信局 统计报表 (.xlsx): two-row merged header under a title."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "绿色制造"
    ws.append(["巴中市规模以上工业能耗、绿色制造及大宗工业固废情况（样例数据 sample）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    ws.append(["年份", "规上工业", None, "绿色制造", None, "大宗工业固废", None, "主要产品产量", None,
               "数据说明"])
    ws.append([None, "综合能源消费量(万吨标准煤)", "增加值(2020年价,亿元)", "绿色园区(个)", "绿色工厂(个)",
               "产生量(万吨)", "综合利用量(万吨)", "水泥熟料(万吨)", "石灰(万吨)", None])
    for col in (1, 10):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    for col in (2, 4, 6, 8):
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
    for year in YEARS_TO_2025:
        energy = (95 + 2.0 * (year - 2015) if year <= 2020 else 105 - 1.0 * (year - 2020))
        energy *= rng.uniform(0.99, 1.01)
        value_added = _ramp(95, 136, year) * rng.uniform(0.99, 1.01)
        parks = 0 if year < 2022 else (1 if year < 2024 else 2)
        factories = max(0, round(_ramp(-3, 9, year)))
        bulk = 300 * rng.uniform(0.95, 1.05)
        # one mid-sized cement works (a 4,000 t/d kiln makes about 130万 t of clinker a year)
        # and a few lime kilns: sample magnitudes for a city of this size
        clinker = 130 * _ramp(1.0, 0.9, year) * inventory.uniform(0.95, 1.05)
        lime = 8 * inventory.uniform(0.9, 1.1)
        ws.append([year, round(energy, 2), round(value_added, 2), parks, factories, round(bulk, 1),
                   round(bulk * _ramp(0.45, 0.565, year), 1), round(clinker, 2), round(lime, 2), SAMPLE_NOTE])
    ws.append(["说明：绿色园区、绿色工厂为累计认定数（国家级、省级）；本表为样例数据（sample）。"])
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_times(buf.getvalue())


def public_institutions(rng: random.Random) -> list[dict]:
    records = []
    for year in YEARS_TO_2025:
        organs, direct = 420, 300
        area = _ramp(5.0e6, 5.6e6, year)
        energy = (40000 + 800 * (year - 2015)) if year <= 2020 else 44000 - 320 * (year - 2020)
        total = 80000 * rng.uniform(0.9, 1.1)
        records.append({
            "year": year, "organs_county_above": organs,
            "saving_organs_county_above": round(organs * max(_ramp(0.05, 0.78, year), 0)),
            "organs_city_county_direct": direct,
            "saving_organs_city_county_direct": round(direct * _ramp(0.08, 0.86, year)),
            "procurement_total_wan_yuan": round(total, 1),
            "procurement_green_wan_yuan": round(total * _ramp(0.70, 0.91, year), 1),
            "energy_tce": round(energy * rng.uniform(0.995, 1.005), 0), "floor_area_m2": round(area, 0),
            "remark": SAMPLE_NOTE,
        })
    return records


# Monitoring stations (sample codes; the seed monitoring_stations maps them to regions).
STATIONS = {"BZ0001A": "巴中市监测站（样例）", "BZ0002A": "巴州区南龛（样例）", "BZ0003A": "恩阳区（样例）"}
# 2025 first: its files keep their bytes from when it was the only year; 2024 came later so
# the annual evaluation has a year-on-year change (mart_synergy)
AIR_YEARS = (2025, 2024)


def air_hourly(rng: random.Random) -> dict[str, bytes]:
    """One UTF-8 CSV per station and month of AIR_YEARS, hour-ending local time; a few hours
    are missing ('—'), as when an analyser is being calibrated. 2024 is a little more
    polluted than 2025."""
    header = ["站点编码", "站点名称", "监测时间", "PM2.5(μg/m³)", "PM10(μg/m³)", "SO2(μg/m³)",
              "NO2(μg/m³)", "CO(mg/m³)", "O3(μg/m³)"]
    files = {}
    for air_year in AIR_YEARS:
        files.update(_air_hourly_year(rng, air_year, header))
    return files


def _air_hourly_year(rng: random.Random, air_year: int, header: list[str]) -> dict[str, bytes]:
    import calendar
    import math
    from datetime import datetime, timedelta

    files = {}
    for code, name in STATIONS.items():
        level = rng.uniform(0.9, 1.1) * (1.08 if air_year == 2024 else 1.0)
        for month in range(1, 13):
            rows = []
            start = datetime(air_year, month, 1)
            hours = calendar.monthrange(air_year, month)[1] * 24
            season = math.cos(2 * math.pi * (month - 1) / 12)  # 1 in January, -1 in July
            for h in range(hours):
                t = start + timedelta(hours=h + 1)
                daylight = max(0.0, math.sin(math.pi * (t.hour - 6) / 14)) if 6 <= t.hour <= 20 else 0.0
                pm25 = max(3.0, level * (33 + 22 * season) * rng.lognormvariate(0, 0.35))
                o3 = max(2.0, (55 - 25 * season) * (0.35 + 1.3 * daylight) * rng.lognormvariate(0, 0.2))
                row = [code, name, t.strftime("%Y-%m-%d %H:%M"), _f(pm25, 0), _f(pm25 * 1.6, 0),
                       _f(6 + 3 * season + rng.uniform(-1, 1), 0),
                       _f(18 + 8 * season + rng.uniform(-4, 4), 0),
                       _f(0.6 + 0.25 * season + rng.uniform(-0.1, 0.1), 2), _f(o3, 0)]
                if rng.random() < 0.01:
                    row[3:] = ["—"] * 6
                rows.append(row)
            files[f"{code}_{air_year}{month:02d}.csv"] = _csv_bytes(header, rows, "utf-8")
    return files


GHG_STATION = ("GWS01", "光雾山大气本底站（样例）")
GHG_YEARS = (2023, 2024)


def ghg_station_hourly(rng: random.Random) -> dict[str, bytes]:
    """One UTF-8 CSV per year of hourly CO2 (ppm) and CH4 (ppb) mole fractions at the
    光雾山 background site, each with its flag as the station's data system writes it: V valid
    background, L valid but locally influenced (kept out of background means), I invalid;
    a few hours missing ('—') and one maintenance gap in April 2024 (a month with too few
    valid hours). Levels follow the global background plus a few ppm, a seasonal cycle
    and a daily cycle; the station name in every row says 样例 (sample)."""
    import math
    from datetime import datetime, timedelta

    header = ["年份", "站点编码", "站点名称", "观测时间", "CO2(ppm)", "CO2标识", "CH4(ppb)", "CH4标识"]
    files = {}
    for year in GHG_YEARS:
        rows = []
        start = datetime(year, 1, 1)
        hours = (datetime(year + 1, 1, 1) - start).days * 24
        for h in range(hours):
            t = start + timedelta(hours=h)
            day = (t - datetime(year, 1, 1)).days
            season = math.cos(2 * math.pi * (day - 45) / 365)  # highest in mid-February
            diurnal = math.cos(2 * math.pi * (t.hour - 5) / 24)  # night-time build-up
            co2 = 423.5 + 2.4 * (year - 2023) + 4.0 * season + 1.2 * diurnal + rng.gauss(0, 0.6)
            ch4 = 1960 + 11 * (year - 2023) + 12 * season + 6 * diurnal + rng.gauss(0, 4)
            flag = "L" if rng.random() < 0.12 else "V"
            co2_flag = ch4_flag = flag
            co2_text, ch4_text = _f(co2, 2), _f(ch4, 1)
            if rng.random() < 0.01 or (year == 2024 and t.month == 4 and 3 <= t.day <= 22):
                co2_text, ch4_text, co2_flag, ch4_flag = "—", "—", "I", "I"
            rows.append([str(year), *GHG_STATION, t.strftime("%Y-%m-%d %H:%M"), co2_text, co2_flag,
                         ch4_text, ch4_flag])
        files[f"{GHG_STATION[0]}_{year}.csv"] = _csv_bytes(header, rows, "utf-8")
    return files


AUTO_STATIONS = {"BZ-10T": "ZD-BZ10", "BZ-20T": "ZD-BZ20", "BZ-30T": "ZD-BZ30", "BZ-40T": "ZD-BZ40",
                 "BZ-50T": "ZD-BZ50"}  # water source → its automatic monitoring station
AUTO_YEAR = 2025


def water_auto_monitoring(rng: random.Random) -> dict[str, bytes]:
    """千吨万人 water sources' automatic monitoring stations: one UTF-8 CSV per station and
    month (as the air feed), a reading every 4 hours (pH, DO, CODMn, NH3-N, TP, turbidity,
    conductivity). Mostly class II; each station has a few ammonia episodes above the class
    III limit (1.0 mg/L) lasting several readings, and a few readings missing ('—'). Station
    names say 样例."""
    import math
    from datetime import datetime, timedelta

    header = ["年份", "站点编码", "站点名称", "水源地编码", "监测时间", "pH", "溶解氧(mg/L)",
              "高锰酸盐指数(mg/L)", "氨氮(mg/L)", "总磷(mg/L)", "浊度(NTU)", "电导率(μS/cm)"]
    files = {}
    for source, station in AUTO_STATIONS.items():
        months: dict[int, list] = {}
        start = datetime(AUTO_YEAR, 1, 1)
        readings = (datetime(AUTO_YEAR + 1, 1, 1) - start).days * 6
        episodes = {rng.randrange(readings - 10) for _ in range(3)}
        left = 0
        for i in range(readings):
            t = start + timedelta(hours=4 * i)
            season = math.cos(2 * math.pi * (t.timetuple().tm_yday - 200) / 365)  # 1 in July
            if i in episodes:
                left = rng.randint(3, 6)
            nh3n = rng.uniform(1.1, 1.6) if left > 0 else max(0.02, rng.gauss(0.25, 0.06))
            left -= 1
            row = [str(AUTO_YEAR), station, f"{source}自动站（样例）", source, t.strftime("%Y-%m-%d %H:%M"),
                   _f(rng.gauss(7.6, 0.2), 2), _f(8.2 - 1.2 * season + rng.gauss(0, 0.3), 2),
                   _f(max(0.5, rng.gauss(2.6, 0.4)), 2), _f(nh3n, 3),
                   _f(max(0.005, rng.gauss(0.06, 0.015)), 3),
                   _f(max(0.5, rng.gauss(6 + 6 * season, 2)), 1), _f(rng.gauss(320, 25), 0)]
            if rng.random() < 0.02:
                row[5:] = ["—"] * 7
            months.setdefault(t.month, []).append(row)
        for month, rows in months.items():
            files[f"{station}_{AUTO_YEAR}{month:02d}.csv"] = _csv_bytes(header, rows, "utf-8")
    return files


# Enterprises with a pollutant discharge permit (排污许可) and their annual disclosure reports
# (企业环境信息依法披露). Names and credit codes are made up and say so: a code with SAMPLE in it
# cannot be a real enterprise's. Per enterprise: credit code, names by period (a rename),
# county, GB/T 4754 class, permit class, permits (valid from, valid to, issued), and per
# pollutant (permitted t/a, 2021 emissions t, yearly change, outlets), CO2 t in 2021 or None.
ENTERPRISES: list[tuple] = [
    ("91511900SAMPLE0001", {2015: "巴中样例水泥有限公司"}, "南江县", "C3011", "水泥制造", "重点管理",
     [("2020-12-28", "2025-12-27", "2020-12-20"), ("2025-12-28", "2030-12-27", "2025-12-15")],
     {"二氧化硫": (200, 88, -0.06, ["DA001", "DA002"]), "氮氧化物": (800, 455, -0.05, ["DA001"]),
      "颗粒物": (150, 41, -0.04, ["DA001", "DA002", "DA003"])}, 812000, -0.02),
    ("91511900SAMPLE0002", {2015: "巴中样例火电有限公司", 2023: "巴中样例发电有限责任公司"}, "恩阳区",
     "D4411", "火力发电", "重点管理",
     [("2020-06-01", "2025-05-31", "2020-05-20"), ("2025-06-01", "2030-05-31", "2025-05-25")],
     {"二氧化硫": (300, 152, -0.08, ["DA001"]), "氮氧化物": (400, 248, -0.06, ["DA001"]),
      "颗粒物": (60, 19, -0.05, ["DA001"])}, 1210000, 0.03),
    ("91511900SAMPLE0003", {2015: "通江样例造纸有限公司"}, "通江县", "C2221", "机制纸及纸板制造", "重点管理",
     [("2019-11-15", "2024-11-14", "2019-11-10"), ("2024-11-15", "2029-11-14", "2024-11-08")],
     {"化学需氧量": (300, 121, -0.07, ["DW001"]), "氨氮": (30, 8.2, -0.05, ["DW001"]),
      "二氧化硫": (50, 19.5, -0.04, ["DA001"]), "氮氧化物": (80, 44, -0.03, ["DA001"]),
      "颗粒物": (20, 6.1, -0.05, ["DA001"])}, 152000, -0.04),
    ("91511900SAMPLE0004", {2015: "平昌样例酒业有限公司"}, "平昌县", "C1512", "白酒制造", "重点管理",
     [("2020-09-01", "2025-08-31", "2020-08-25"), ("2025-09-01", "2030-08-31", "2025-08-20")],
     {"化学需氧量": (120, 52, -0.05, ["DW001"]), "氨氮": (12, 4.1, -0.04, ["DW001"])}, None, 0),
    ("91511900SAMPLE0005", {2015: "巴中样例城市污水处理有限公司"}, "巴州区", "D4620", "污水处理及其再生利用",
     "重点管理", [("2020-03-01", "2025-02-28", "2020-02-20"), ("2025-03-01", "2030-02-28", "2025-02-18")],
     {"化学需氧量": (730, 298, -0.03, ["DW001"]), "氨氮": (73, 15.3, -0.06, ["DW001"])}, None, 0),
    ("91511900SAMPLE0006", {2015: "巴中样例化工有限公司"}, "巴州区", "C2614", "有机化学原料制造", "重点管理",
     [("2022-07-01", "2027-06-30", "2022-06-15")],
     {"挥发性有机物": (40, 22.5, -0.07, ["DA001", "DA002"]), "二氧化硫": (30, 10.2, -0.05, ["DA003"]),
      "氮氧化物": (50, 30.4, -0.04, ["DA003"]), "化学需氧量": (60, 25.5, -0.06, ["DW001"]),
      "氨氮": (6, 2.1, -0.05, ["DW001"])}, 91000, 0.02),
    ("91511900SAMPLE0007", {2015: "通江样例制药有限公司"}, "通江县", "C2710", "化学药品原料药制造",
     "重点管理",
     [("2021-04-01", "2026-03-31", "2021-03-20")],
     {"挥发性有机物": (25, 12.2, -0.06, ["DA001"]), "化学需氧量": (40, 18.3, -0.04, ["DW001"]),
      "氨氮": (4, 1.52, -0.03, ["DW001"])}, None, 0),
    ("91511900SAMPLE0008", {2015: "南江样例建材有限公司"}, "南江县", "C3021", "水泥制品制造", "简化管理",
     [("2020-10-10", "2025-10-09", "2020-10-01"), ("2025-10-10", "2030-10-09", "2025-09-28")],
     {"颗粒物": (15, 0, 0, [])}, None, 0),
    ("91511900SAMPLE0009", {2015: "恩阳样例食品有限公司"}, "恩阳区", "C1351", "牲畜屠宰", "简化管理",
     [("2021-01-05", "2026-01-04", "2020-12-30")],
     {"化学需氧量": (20, 0, 0, []), "氨氮": (2, 0, 0, [])}, None, 0),
    ("91511900SAMPLE0010", {2015: "平昌样例印刷有限公司"}, "平昌县", "C2319", "包装装潢及其他印刷",
     "简化管理",
     [("2021-06-01", "2026-05-31", "2021-05-25")], {"挥发性有机物": (8, 0, 0, [])}, None, 0),
]
DISCLOSURE_YEARS = range(2021, 2025)
# Permits name pollutants as the platform does; reports sometimes as the enterprise does.
PERMIT_POLLUTANT_NAMES = {"氮氧化物": "氮氧化物(以NO2计)"}
REPORT_POLLUTANT_NAMES = {("91511900SAMPLE0003", "化学需氧量"): "CODcr"}


def _name_in(names: dict[int, str], year: int) -> str:
    return names[max(y for y in names if y <= year)]


def _medium(outlet: str) -> str:
    """废气 for an air outlet (DA…), 废水 for a water outlet (DW…), as HJ 608 numbers them."""
    return "废气" if outlet.startswith("DA") else "废水"


def pollutant_permits() -> list[dict]:
    """The permit register, one record per permit and pollutant; a renewal lowers a quantity a little."""
    records = []
    for code, names, county, industry, industry_name, cls, permits, pollutants, _, _ in ENTERPRISES:
        for n, (start, end, issued) in enumerate(permits):
            for pollutant, (permitted, *_) in pollutants.items():
                records.append({
                    # a renewal keeps the permit's number
                    "许可证编号": f"{code}001P", "统一社会信用代码": code,
                    "单位名称": _name_in(names, int(issued[:4])), "行政区划": county,
                    "行业类别代码": industry, "行业类别": industry_name, "管理类别": cls,
                    "发证日期": issued, "有效期限起": start, "有效期限止": end,
                    "污染物种类": PERMIT_POLLUTANT_NAMES.get(pollutant, pollutant),
                    "年许可排放量(吨)": round(permitted * (1 - 0.1 * n), 3), "备注": SAMPLE_NOTE})
    return records


def disclosure_reports(rng: random.Random) -> dict[str, dict]:
    """One report per 重点管理 enterprise and year from its first permit on (file name →
    document). The paper mill's 2023 report is revised (a second file, COD corrected); the
    pharmaceutical plant's 2022 report is late; the distillery's 2023 report is missing."""
    reports = {}
    for code, names, county, _, industry_name, cls, permits, pollutants, co2, co2_change in ENTERPRISES:
        if cls != "重点管理":
            continue
        for year in DISCLOSURE_YEARS:
            if year < int(permits[0][0][:4]) or (code, year) == ("91511900SAMPLE0004", 2023):
                continue
            t = year - 2021
            outlets: dict[str, list] = {}
            for pollutant, (_, first, change, outlet_codes) in pollutants.items():
                total = first * (1 + change) ** t * (1 + rng.gauss(0, 0.02))
                shares = [rng.uniform(0.5, 1.5) for _ in outlet_codes]
                name = REPORT_POLLUTANT_NAMES.get((code, pollutant), pollutant)
                for outlet, share in zip(outlet_codes, shares, strict=True):
                    outlets.setdefault(outlet, []).append(
                        {"污染物名称": name, "年排放量(吨)": round(total * share / sum(shares), 3),
                         "执行标准": "样例"})
            late = (code, year) == ("91511900SAMPLE0007", 2022)
            doc = {
                "报告类型": "年度报告", "报告年度": str(year),
                "披露日期": (f"{year + 1}-04-{rng.randint(10, 28)}" if late
                         else f"{year + 1}-03-{rng.randint(1, 14):02d}"),
                "一、企业基本信息": {"企业名称": _name_in(names, year), "统一社会信用代码": code,
                                    "所在区县": county, "行业类别": industry_name,
                                    "排污许可证编号": f"{code}001P"},
                "三、污染物产生、治理与排放信息": {"排放口": [
                    {"排放口编号": o, "排放口名称": f"{_medium(o)}排放口{o[-1]}", "排放类别": _medium(o),
                     "污染物": items}
                    for o, items in sorted(outlets.items())]},
                "备注": SAMPLE_NOTE,
            }
            if co2 is not None:
                emitted = co2 * (1 + co2_change) ** t * (1 + rng.gauss(0, 0.01))
                doc["四、碳排放信息"] = {"二氧化碳排放量(吨)": round(emitted, 1),
                                    "核算方法": "样例：按行业温室气体排放核算指南"}
            reports[f"{code}_{year}.json"] = doc
            if (code, year) == ("91511900SAMPLE0003", 2023):
                revised = json.loads(json.dumps(doc, ensure_ascii=False))
                revised["披露日期"] = f"{year + 1}-06-05"
                revised["修订说明"] = "更正化学需氧量年排放量（样例）"
                water = revised["三、污染物产生、治理与排放信息"]["排放口"][-1]["污染物"][0]
                water["年排放量(吨)"] = round(water["年排放量(吨)"] * 0.9, 3)
                reports[f"{code}_{year}_修订1.json"] = revised
    return reports


def _write_json(path: Path, doc) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> None:
    inventory = random.Random(SEED + 5)  # the GHG inventory's activity data, added later
    rng = random.Random(SEED)
    _write(HERE / "waste" / "industrial_solid_waste.csv", industrial_solid_waste(rng))
    _write(HERE / "waste" / "domestic_waste.csv", domestic_waste(rng, inventory))
    _write_json(HERE / "api" / "hazardous_waste.json", hazardous_waste(rng))
    # openpyxl stamps the current time into the file: fix it so the bytes are reproducible
    _write(HERE / "energy" / "installed_capacity.xlsx", _fixed_zip_times(installed_capacity(rng)))
    # later datasets draw from their own generator so adding one never changes the others
    rng = random.Random(SEED + 1)
    _write_json(HERE / "economy" / "easyquery_gdp.json", economy_easyquery(rng))
    _write(HERE / "energy" / "consumption_by_fuel.csv", energy_consumption(rng))
    _write(HERE / "energy" / "supply_security.csv", energy_supply(rng))
    _write(HERE / "transport" / "green_transport.csv", transport(rng))
    _write(HERE / "forestry" / "forest_resources.csv", forestry(rng, inventory))
    _write(HERE / "ecology" / "eqi.csv", ecology_eqi(rng))
    _write(HERE / "water" / "sewage_sludge.xlsx", sewage_sludge(rng, inventory))
    _write_json(HERE / "api" / "drinking_water_sources.json", drinking_water_sources(rng))
    for year, data in rural_environment(rng).items():
        _write(DROP_SAMPLE_DIR / "农业农村局" / f"农村人居环境_{year}.csv", data)
    _write(HERE / "buildings" / "urban_construction.csv", urban_construction(rng))
    _write(HERE / "industry" / "green_manufacturing.xlsx", green_manufacturing(rng, inventory))
    _write_json(HERE / "api" / "public_institutions.json", public_institutions(rng))
    air = air_hourly(rng)
    for name, data in air.items():
        _write(HERE / "air" / "hourly" / name, data)
    _write_json(HERE / "air" / "hourly" / "index.json", {"files": sorted(air)})
    rng = random.Random(SEED + 2)
    ghg = ghg_station_hourly(rng)
    for name, data in ghg.items():
        _write(HERE / "ghg" / name, data)
    _write_json(HERE / "ghg" / "index.json", {"files": sorted(ghg)})
    rng = random.Random(SEED + 3)
    auto = water_auto_monitoring(rng)
    for name, data in auto.items():
        _write(HERE / "water" / "auto_monitoring" / name, data)
    _write_json(HERE / "water" / "auto_monitoring" / "index.json", {"files": sorted(auto)})
    rng = random.Random(SEED + 4)
    _write_json(HERE / "api" / "pollutant_permits.json", pollutant_permits())
    for name, doc in disclosure_reports(rng).items():
        _write_json(DROP_SAMPLE_DIR / "环境信息依法披露" / name, doc)
    _write(HERE / "agriculture" / "livestock_rice_fertiliser.csv", agriculture(random.Random(SEED + 6)))
    print(f"wrote sample files under {HERE}")


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite an .xlsx with fixed timestamps (zip entries and docProps) for stable sha256."""
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-01-01T00:00:00Z", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return buf.getvalue()


if __name__ == "__main__":
    main()
