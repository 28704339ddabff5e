"""The benchmark's pieces: the generator is deterministic and writes the feed's format, and
the hand-written reference SQL (the speed limit) gives the same numbers as the dbt marts."""

import csv

import duckdb
import pytest

from bench.generate import FEED_HEADERS, generate
from bench.limit import compute
from ingestion.catalog import SEEDS_DIR


def test_the_generator_is_deterministic_and_writes_the_feed_format(tmp_path):
    first = generate(tmp_path / "a", stations=3, years=1, seed=7)
    again = generate(tmp_path / "b", stations=3, years=1, seed=7)
    assert first["rows"] == again["rows"] == 3 * 8760
    query = "SELECT * FROM read_parquet('{}/parquet/**/*.parquet') ORDER BY station_code, hour"
    with duckdb.connect() as con:
        assert con.execute(query.format(tmp_path / "a")).fetchall() == \
            con.execute(query.format(tmp_path / "b")).fetchall()
    with open(tmp_path / "a" / "csv" / "month=2025-07" / "data_0.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == list(FEED_HEADERS.values())


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
    compute(con, str(tmp / "readings.parquet"), SEEDS_DIR / "monitoring_stations.csv")
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
    assert reference.execute("SELECT * FROM reference_annual ORDER BY ALL").fetchall() == mart


def test_make_bench_times_every_step_and_the_pipeline_agrees_with_the_reference(tmp_path):
    """`make bench` end to end on a small size: (a)–(d) in child processes, the figures file,
    and the pipeline's daily mart equal to the reference SQL's."""
    import json

    from bench.run import main

    generate(tmp_path / "data", stations=4, years=1, seed=11)
    assert main(["--data", str(tmp_path / "data"), "--repeat", "1",
                 "--out", str(tmp_path / "figures.json")]) == 0
    figures = json.loads((tmp_path / "figures.json").read_text())
    assert set(figures["steps"]) == {"a", "b", "c", "d"}
    assert figures["rows"] == 4 * 8760
    assert all(s["median_s"] > 0 and s["peak_rss_mb"] > 0 for s in figures["steps"].values())
    assert figures["pipeline_vs_reference"]["equal"]
    assert figures["pipeline_vs_reference"]["daily_rows"] == 5 * 365  # four counties and the city
