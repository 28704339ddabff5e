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


def main() -> None:
    rng = random.Random(SEED)
    out = HERE / "waste"
    out.mkdir(parents=True, exist_ok=True)
    (out / "industrial_solid_waste.csv").write_bytes(industrial_solid_waste(rng))
    (out / "domestic_waste.csv").write_bytes(domestic_waste(rng))
    print(f"wrote sample files under {out}")


if __name__ == "__main__":
    main()
