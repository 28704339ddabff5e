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

HERE = Path(__file__).resolve().parent
SEED = 20231116  # the day the plan was published
YEARS = range(2015, 2025)
SAMPLE_NOTE = "样例数据（sample，非官方统计）"

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


def domestic_waste(rng: random.Random) -> bytes:
    header = ["年份", "县区", "生活垃圾清运量(万吨)", "无害化处理量(万吨)", "数据说明"]
    rows = []
    for county, (_, base) in COUNTIES.items():
        collected = base
        for i, year in enumerate(YEARS):
            collected *= 1 + rng.uniform(0.0, 0.04)
            rate = min(0.955 + 0.0048 * i + rng.uniform(-0.004, 0.004), 0.999)
            rows.append([str(year), DOMESTIC_NAMES.get(county, county), f"{collected:.2f}",
                         f"{collected * rate:.2f}", SAMPLE_NOTE])
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
            records.append({
                "stat_year": year, "district_name": county,
                "hw_generated_t": round(generated, 1), "hw_stored_earlier_t": round(earlier, 1),
                "hw_utilized_t": round(utilized, 1), "hw_disposed_t": round(handled - utilized, 1),
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


def main() -> None:
    rng = random.Random(SEED)
    out = HERE / "waste"
    out.mkdir(parents=True, exist_ok=True)
    (out / "industrial_solid_waste.csv").write_bytes(industrial_solid_waste(rng))
    (out / "domestic_waste.csv").write_bytes(domestic_waste(rng))
    api = HERE / "api"
    api.mkdir(exist_ok=True)
    (api / "hazardous_waste.json").write_text(
        json.dumps(hazardous_waste(rng), ensure_ascii=False, indent=1), encoding="utf-8")
    energy = HERE / "energy"
    energy.mkdir(exist_ok=True)
    # openpyxl stamps the current time into the file: fix it so the bytes are reproducible
    data = installed_capacity(rng)
    (energy / "installed_capacity.xlsx").write_bytes(_fixed_zip_times(data))
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
