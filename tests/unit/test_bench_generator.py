"""The benchmark's generator is deterministic and writes the feed's format."""

import csv

import duckdb

from bench.generate import FEED_HEADERS, generate


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
