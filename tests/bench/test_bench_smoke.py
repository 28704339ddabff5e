"""`make bench` end to end on a small size: the smoke test of the benchmark."""

import json

from bench.generate import generate
from bench.run import main


def test_make_bench_times_every_step_and_the_pipeline_agrees_with_the_reference(tmp_path, capsys):
    """`make bench` end to end on a small size: (a)–(d) in child processes, what they do shown
    as it goes, the figures file, and the pipeline's daily mart equal to the reference SQL's."""
    generate(tmp_path / "data", stations=4, years=1, seed=11)
    assert main(["--data", str(tmp_path / "data"), "--repeat", "1",
                 "--out", str(tmp_path / "figures.json")]) == 0
    shown = capsys.readouterr().out
    assert "(b) pipeline, full …" in shown  # each step as it starts
    assert "month=2025-03/data_0.csv: landed, received" in shown  # each file as it lands
    assert "validated load" in shown and " marts/mart_air_quality_daily " in shown
    figures = json.loads((tmp_path / "figures.json").read_text())
    assert set(figures["steps"]) == {"a", "b", "c", "d"}
    assert figures["rows"] == 4 * 8760
    assert all(s["median_s"] > 0 and s["peak_rss_mb"] > 0 for s in figures["steps"].values())
    assert figures["pipeline_vs_reference"]["equal"]
    assert figures["pipeline_vs_reference"]["daily_rows"] == 5 * 365  # four counties and the city
