"""`make bench` end to end on a small size: the smoke test of the benchmark."""

import json

from bench.generate import generate
from bench.run import main


def test_make_bench_times_every_step_and_the_pipeline_agrees_with_the_reference(tmp_path, capsys):
    """`make bench` end to end on a small size: (a), (f), (b)–(d) in child processes, what they
    do shown as it goes, the figures file, and the pipeline's marts equal to the reference's."""
    generate(tmp_path / "data", stations=4, years=1, seed=11)
    assert main(["--data", str(tmp_path / "data"), "--repeat", "1",
                 "--out", str(tmp_path / "figures.json")]) == 0
    shown = capsys.readouterr().out
    assert "(b) pipeline, full …" in shown  # each step as it starts
    assert "air_hourly_readings: 44 file(s): 44 landed" in shown  # the files land in a batch
    assert "validated 44 new load(s)" in shown and " marts/mart_air_quality_daily " in shown
    figures = json.loads((tmp_path / "figures.json").read_text())
    assert set(figures["steps"]) == {"a", "f", "g", "b", "c", "d"}
    assert (figures["rows"], figures["files"]) == (4 * 8760, 4 * 12)
    steps = figures["steps"]
    for s in steps.values():  # one run each (--repeat 1): its time is the median
        assert len(s["runs_s"]) == 1 and s["median_s"] == round(s["runs_s"][0], 2) > 0
        assert s["peak_rss_mb_total"] >= s["peak_rss_mb"] > 0
    assert {s for s in steps if "dagster_steps_s" in steps[s]} == {"b", "c", "d"}  # Dagster runs
    # the ratios are the steps' medians divided, and the whole pipeline (b) does more than the
    # same work by hand in DuckDB (f, g): Dagster, dbt and the gate, each in their process
    ratios = figures["ratios"]
    assert ratios["b_over_fair_limit"] == round(steps["b"]["median_s"] / steps["f"]["median_s"], 2) > 1
    assert ratios["b_over_fair_limit_with_fetch"] == round(steps["b"]["median_s"] / steps["g"]["median_s"], 2)
    agreement = figures["pipeline_vs_reference"]
    assert agreement["equal"] and agreement["daily"]["rows"] == 5 * 365  # four counties and the city
    assert agreement["annual"]["rows"] == 5 and len(agreement["annual"]["columns"]) == 9
