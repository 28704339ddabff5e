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
    # the feed's real shape: one file per station and month, named as the platform names it
    assert first["files"] == 3 * 12
    with open(tmp_path / "a" / "csv" / "month=2025-07" / "SC0002A_202507.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(FEED_HEADERS.values())
    assert {r[0] for r in rows[1:]} == {"SC0002A"} and len(rows) == 1 + 31 * 24
    assert rows[1][2] == "2025-07-01 01:00" and rows[-1][2] == "2025-08-01 00:00"  # hour ending, in order
