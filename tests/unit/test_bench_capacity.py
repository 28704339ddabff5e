"""The README's capacity table is computed from a benchmark's figures (bench/capacity.py)."""

from bench.capacity import table


def test_cores_follow_from_the_measured_rates_and_the_time_allowed():
    figures = {"size": "10M", "rows": 7_200_000, "commit": "abc", "steps": {"b": {
        "median_s": 1000.0, "dagster_steps_s": {"raw__air_hourly_readings": 500.0}}},
        "engines": {"spark": {"rows_per_s_per_core": 1000}}}
    found = table(figures)
    # DuckDB: 7.2M rows / 1000 s / 2 cores = 3,600 rows/s a core; landing 7,200; Spark 1,000
    assert "DuckDB end to end 3,600 rows/s, landing 7,200, Spark's air models 1,000" in found
    national = next(line for line in found.splitlines() if line.startswith("| national enterprise"))
    # 7.2M rows a day: in 1 h 1 DuckDB core, 1 + 2 for landing + Spark; 5 years in 8 h:
    # 13.14e9 rows / 3,600 / 28,800 s = 127 cores (beyond one machine)
    assert national.split(" | ")[1:] == ["7,200,000", "2,628,000,000", "1", "127 (beyond one machine)",
                                         "1 + 2", "64 + 457 |"]
