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
    assert all(s["median_s"] > 0 and s["cpu_s"] > 0 and s["peak_rss_mb_total"] >= s["peak_rss_mb"] > 0
               for s in figures["steps"].values())
    assert figures["ratios"]["b_over_fair_limit"] > 0 < figures["ratios"]["b_over_fair_limit_with_fetch"]
    agreement = figures["pipeline_vs_reference"]
    assert agreement["equal"] and agreement["daily"]["rows"] == 5 * 365  # four counties and the city
    assert agreement["annual"]["rows"] == 5 and len(agreement["annual"]["columns"]) == 9
