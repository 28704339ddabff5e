"""The benchmark's hand-written reference SQL (the speed limit) gives the same numbers as the
dbt marts, on the very sample the session's run read."""

import duckdb
import pytest

from bench.limit import compute, parquet
from ingestion.catalog import SEEDS_DIR


@pytest.fixture(scope="module")
def reference(published, tmp_path_factory):
    """The reference SQL run on the very sample the pipeline read."""
    tmp = tmp_path_factory.mktemp("reference")
    columns = {"站点编码": "station_code", "监测时间": "hour", "PM2.5(μg/m³)": "pm25",
               "PM10(μg/m³)": "pm10", "SO2(μg/m³)": "so2", "NO2(μg/m³)": "no2",
               "CO(mg/m³)": "co", "O3(μg/m³)": "o3"}
    select = ", ".join(f'"{h}" AS {c}' if c in {"station_code", "hour"}
                       else f'TRY_CAST(NULLIF("{h}", \'—\') AS DOUBLE) AS {c}' for h, c in columns.items())
    con = duckdb.connect()
    con.execute(f"COPY (SELECT {select} FROM read_csv('{published.portal_root}/air/hourly/*.csv', "
                f"all_varchar = true)) TO '{tmp / 'readings.parquet'}' (FORMAT parquet)")
    compute(con, parquet([str(tmp / "readings.parquet")]), SEEDS_DIR / "monitoring_stations.csv")
    yield con
    con.close()


def test_reference_sql_agrees_with_the_daily_mart(published, reference):
    mart = published.query("SELECT region_code, day, pm25_24h_ugm3, o3_mda8_ugm3, co_24h_mgm3, aqi "
                           "FROM marts.mart_air_quality_daily ORDER BY ALL")
    ours = reference.execute("SELECT region_code, day, pm25_24h, o3_8h, co_24h, aqi "
                             "FROM reference_daily ORDER BY ALL").fetchall()
    assert len(mart) == 2193 and ours == mart


def test_reference_sql_agrees_with_the_annual_mart(published, reference):
    mart = published.query(
        "SELECT region_code, year, pm25_annual_mean_ugm3, co_24h_95th_percentile_mgm3, "
        "o3_mda8_90th_percentile_ugm3, good_days_share_pct FROM marts.mart_air_quality ORDER BY ALL")
    ours = reference.execute("SELECT region_code, year, pm25_annual_mean, co_p95, o3_mda8_p90, "
                             "good_days_share FROM reference_annual ORDER BY ALL").fetchall()
    assert ours == mart
