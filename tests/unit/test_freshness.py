"""A department is late when the newest period it landed is older than the newest one due
under its 更新周期 (update_cycle in sources.yml)."""

from datetime import UTC, date, datetime

import duckdb
import pytest

from ingestion import FetchedFile, load_catalog
from ingestion.catalog import load_update_cycles
from ingestion.freshness import dataset_freshness, expected_period
from tests.helpers import land

YEARLY, MONTHLY = load_update_cycles()["年"], load_update_cycles()["月"]


@pytest.mark.parametrize("cycle, today, expected, due_by", [
    (YEARLY, date(2026, 6, 29), "2024", date(2025, 6, 30)),  # 2025 falls due on 30 June 2026
    (YEARLY, date(2026, 6, 30), "2025", date(2026, 6, 30)),
    (YEARLY, date(2026, 12, 4), "2025", date(2026, 6, 30)),
    (MONTHLY, date(2026, 1, 9), "2025-11", date(2025, 12, 10)),
    (MONTHLY, date(2026, 1, 10), "2025-12", date(2026, 1, 10)),
    (MONTHLY, date(2026, 3, 15), "2026-02", date(2026, 3, 10)),
])
def test_the_newest_period_due(cycle, today, expected, due_by):
    assert expected_period(cycle, today) == (expected, due_by)


HEADER = "年份,县区,生活垃圾清运量(万吨),无害化处理量(万吨),数据说明\n"


def test_a_department_is_late_until_the_due_year_lands(tmp_path):
    ds = load_catalog()["waste_domestic_waste"]
    with duckdb.connect() as con:
        assert dataset_freshness(con, ds, date(2026, 7, 1)).latest is None  # nothing landed: late
        body = HEADER + "２０２４,巴州区,20.5,20.4,\n2023,恩阳区,1,1,\n"
        land(con, ds, FetchedFile("http://portal/d.csv", body.encode(), datetime.now(UTC)), tmp_path)
        late = dataset_freshness(con, ds, date(2026, 7, 1))
        assert (late.latest, late.expected, late.late) == ("2024", "2025", True)
        assert "市住房城乡建设局 is late: 2025 was due by 2026-06-30" in late.describe(ds)
        assert not dataset_freshness(con, ds, date(2026, 6, 1)).late  # 2025 not yet due


def test_a_monthly_feed_counts_the_months_of_its_landed_files(tmp_path):
    ds = load_catalog()["air_hourly_readings"]
    header = ",".join(f.header for f in ds.fields)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        row = "BZ0001A,2025-11-30 23:00," + ",".join(["1"] * (len(ds.fields) - 2))
        land(con, ds, FetchedFile("http://portal/air/hourly/BZ0001A_202511.csv",
                                  f"{header}\n{row}\n".encode(), datetime.now(UTC)), tmp_path)
        found = dataset_freshness(con, ds, date(2026, 1, 5))
        assert (found.latest, found.expected, found.late) == ("2025-11", "2025-11", False)
        assert dataset_freshness(con, ds, date(2026, 1, 10)).late


def test_a_register_without_a_year_field_is_as_fresh_as_its_newest_date(tmp_path):
    """The permit register has no year column: its period is the year of its newest issue date."""
    import json

    ds = load_catalog()["enterprise_pollutant_permits"]
    record = {"许可证编号": "P1", "统一社会信用代码": "91511900SAMPLE0001", "单位名称": "样例",
              "行政区划": "巴州区", "行业类别代码": "C3011", "管理类别": "重点管理",
              "发证日期": "2024年12月20日", "有效期限起": "2024-12-28", "有效期限止": "2029-12-27",
              "污染物种类": "二氧化硫", "年许可排放量(吨)": 1}
    body = json.dumps({"pages": [{"data": {"items": [record], "pages": 1}}]}, ensure_ascii=False)
    with duckdb.connect() as con:
        land(con, ds, FetchedFile("http://portal/api/p", body.encode(), datetime.now(UTC)), tmp_path)
        late = dataset_freshness(con, ds, date(2026, 7, 1))
        assert (late.latest, late.expected, late.late) == ("2024", "2025", True)
