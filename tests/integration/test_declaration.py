"""A new indicator from a new field of an existing source costs three hand-edited files: the
source's field (sources.yml), the indicator's row (seeds/indicators.csv) and its mart column
(the mart's YAML). Done for real in a copy of the project: `make catalog` generates the rest,
and the smallest selection of the graph lands the field and finds the indicator in the fact
and in the mart."""

import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import REPO_DIR

SOURCES = "ingestion/sources.yml"
INDICATORS = "dbt_project/seeds/indicators.csv"
MART_YAML = "dbt_project/models/marts/transport/_transport__models.yml"
GENERATED = {"dbt_project/models/staging/transport/_transport__sources.yml",
             "dbt_project/models/intermediate/indicators/int_indicator_values.sql"}

FIELD = ('      - {name: public_chargers, header: 公共充电桩(个), kind: number, unit: 个, required: false, '
         'min: 0, max: 1000000,\n         description: "Public charging points at year end"}\n')
INDICATOR_ROW = ("public_charging_points,公共充电桩数量,Public charging points,count,higher,annual,transport,"
                 "Public charging points at year end,transport_statistics.public_chargers,,,,,无条件共享,,"
                 "接口调用；文件下载,true,,false,0\n")
MART_COLUMN = ("      - name: public_charging_points\n        meta: {indicator: public_charging_points}\n"
               "        description: \"written by make catalog\"\n")
# the department's file gains the column: 2015 → 100 points, one more hundred a year
CHARGERS = {year: 100 * (year - 2014) for year in range(2015, 2026)}

# the smallest selection: the dataset's raw asset, the changed seed and the dimension built on
# it (the fact's keys are checked against it), and what lies between the raw asset and the mart
RUN_PATH = """
import sys
from pathlib import Path
import dagster as dg
from tests.integration.pipeline import pipeline_at
with pipeline_at(Path(sys.argv[1])) as p:
    raw = dg.AssetSelection.assets(dg.AssetKey(["raw", "transport_statistics"]))
    mart = dg.AssetSelection.assets(dg.AssetKey(["marts", "mart_green_travel_share"]))
    seeds = dg.AssetSelection.assets(*[dg.AssetKey(["reference", s])
                                       for s in ("indicators", "golden_row_counts")])
    dim = dg.AssetSelection.assets(dg.AssetKey(["marts", "dim_indicator"]))
    result = p.run_selection(raw.downstream() & mart.upstream() | seeds | dim)
    sys.exit(0 if result.success else 1)
"""


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_DIR, capture_output=True, check=True).stdout
    return [p for p in out.decode().split("\0") if p and (REPO_DIR / p).is_file()]


def insert_after(path: Path, anchor: str, text: str) -> None:
    body = path.read_text(encoding="utf-8")
    assert body.count(anchor) == 1, anchor
    path.write_text(body.replace(anchor, anchor + text), encoding="utf-8")


def run(cmd: list[str], cwd: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(cwd)}  # the copy's packages, not the checkout's
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{cmd}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def test_a_new_indicator_from_a_new_field_is_three_edits(pipeline, tmp_path):
    project = tmp_path / "project"
    files = tracked_files()
    for name in files:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes((REPO_DIR / name).read_bytes())

    # the three hand edits
    insert_after(project / SOURCES,
                 'description: "Passenger hubs with charging or battery-swap facilities"}\n', FIELD)
    with open(project / INDICATORS, "a", encoding="utf-8") as fh:
        fh.write(INDICATOR_ROW)
    insert_after(project / MART_YAML, "(绿色公路废料循环利用率), %.\"\n", MART_COLUMN)
    # the department sends the new column
    csv_path = pipeline.portal_root / "transport" / "green_transport.csv"
    lines = csv_path.read_bytes().decode("gbk").splitlines()
    lines = [lines[0].replace(",数据说明", ",公共充电桩(个),数据说明")] + [
        line.replace(",样例数据", f",{CHARGERS[int(line[:4])]},样例数据", 1) for line in lines[1:]]
    pipeline.publish("transport/green_transport.csv", ("\r\n".join(lines) + "\r\n").encode("gbk"))

    run([sys.executable, "-m", "ingestion", "generate"], project)
    changed = {n for n in files if (project / n).read_bytes() != (REPO_DIR / n).read_bytes()}
    assert changed == {SOURCES, INDICATORS, MART_YAML} | GENERATED
    run([str(Path(sys.executable).parent / "dbt"), "parse", "--quiet", "--profiles-dir", "."],
        project / "dbt_project")
    # a script file, not `python -c`: pyspark, where installed, takes a `-c` process for its
    # doctest run and exits 0 (tests/conftest.py)
    script = tmp_path / "run_path.py"
    script.write_text(RUN_PATH, encoding="utf-8")
    run([sys.executable, str(script), str(pipeline.root)], project)

    fact = dict(pipeline.query(
        "SELECT cast(time_period AS INTEGER), obs_value FROM marts.fct_indicator_observation "
        "WHERE indicator_code = 'public_charging_points' AND ref_area = '511900'"))
    assert fact == CHARGERS
    mart = dict(pipeline.query("SELECT year, public_charging_points FROM marts.mart_green_travel_share "
                               "WHERE region_code = '511900'"))
    assert mart == CHARGERS
    described = (project / MART_YAML).read_text(encoding="utf-8")
    assert "Public charging points (公共充电桩数量), count." in described  # from the catalogue row
