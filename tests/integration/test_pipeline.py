"""The whole graph on the sample data, fetched over HTTP from the local portal: what one
clean run made (read-only), and, on copies of it, reruns, revisions and a gate stopping a run."""

import csv
import json

import dagster as dg
import duckdb
import polars as pl

from ingestion import load_catalog
from orchestration.assets.raw import FRESHNESS_CHECK
from orchestration.build_log import UNCHANGED_TAG
from orchestration.runs import print_summary
from orchestration.settings import DBT_PROJECT_DIR, REPO_DIR
from publishing import SNAPSHOT_NAME, model_nodes
from tests.integration.pipeline import gate_failures

MART = "marts.mart_solid_waste_utilization"
FACT = "marts.fct_indicator_observation"
MART_KEY, FACT_KEY = dg.AssetKey(MART.split(".")), dg.AssetKey(FACT.split("."))
REGIONS = {"511900", "511902", "511903", "511921", "511922", "511923"}
DOMESTIC_CSV = "waste/domestic_waste.csv"
SHARED_TARGETS = REPO_DIR.parent / "shared" / "plan_targets.csv"
SEED_TARGETS = DBT_PROJECT_DIR / "seeds" / "plan_targets.csv"


def mart_rows(pipeline) -> list[tuple]:
    return pipeline.query(f"SELECT * FROM {MART} ORDER BY region_code, year")


def test_full_run_builds_the_mart_and_publishes_it(published, capsys):
    pipeline, result = published, published.result
    print_summary(result, pipeline.settings, 1.0, pipeline.log_path)
    summary = capsys.readouterr().out
    every = len(pipeline.defs.resolve_asset_graph().materializable_asset_keys)  # each asset of the graph
    assert f"assets: {every} materialized, 0 NOT RUN" in summary
    assert ", 0 failed, 0 warnings" in summary and "SUCCEEDED" in summary
    # the sample's departments are late by today's date: the WARN lines say why, not "0 warnings"
    late = sum(not e.passed for e in result.get_asset_check_evaluations() if e.check_name == "freshness")
    assert late and f"0 warnings (and {late} late source(s), the other WARN lines: see freshness)" in summary
    # late departments are named, apart from the gate's counts
    assert "freshness: " in summary and "sources up to date" in summary
    # the sample breaks no rule (its hazardous-waste rates stay within 100 % as published)
    assert gate_failures(result) == []
    # every check's result is kept: raw per load, marts per run, dbt tests per run
    kept = dict(pipeline.query("SELECT split_part(suite, '__', 1), count(*) FROM raw.dq_results "
                               "GROUP BY ALL"))
    assert kept["raw"] == pipeline.query("SELECT count(*) FROM raw.load_log")[0][0]
    assert kept["mart"] == 31 and kept["dbt"] > 400

    # the mart: every region, every sample year, rates in range, city derived from counties
    rows = pipeline.query(f"SELECT region_code, count(*), min(year), max(year) FROM {MART} "
                          "WHERE gisw_generated_t IS NOT NULL "
                          "GROUP BY ALL")
    assert {r[0] for r in rows} == REGIONS
    assert all(r[1:] == (10, 2015, 2024) for r in rows)
    city, counties = pipeline.query(f"""
        SELECT sum(gisw_generated_t) FILTER (WHERE region_code = '511900'),
               sum(gisw_generated_t) FILTER (WHERE region_code <> '511900')
        FROM {MART} WHERE year = 2024""")[0]
    assert abs(city - counties) < 1e-6
    assert pipeline.query(f"SELECT DISTINCT provenance FROM {MART}") == [("sample",)]

    # the published snapshot opens read-only and holds exactly the mart, its figures at 12
    # significant digits (no float noise: 13000.800000000001 is published as 13000.8)
    snapshot = pipeline.settings.publish_dir / "shared" / SNAPSHOT_NAME
    with duckdb.connect(str(snapshot), read_only=True) as con:
        published = con.execute(
            "SELECT * FROM mart_solid_waste_utilization ORDER BY region_code, year").fetchall()
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert published == [tuple(float(f"{v:.12g}") if isinstance(v, float) else v for v in row)
                         for row in mart_rows(pipeline)]
    assert any(repr(v) == "13000.8" for row in published for v in row)
    marts = {t for (t,) in pipeline.query(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'")}
    assert tables == marts and {"fct_indicator_observation", "mart_target_progress", "mart_carbon",
                                "mart_air_quality", "dim_region"} <= tables
    parquet = pl.read_parquet(pipeline.settings.publish_dir / "shared" / "parquet" /
                              "mart_solid_waste_utilization.parquet")
    assert parquet.sort(["region_code", "year"]).rows() == published
    assert not list(pipeline.settings.publish_dir.rglob(".*tmp"))  # no temp files left

    # every catalogued source landed: over the portal, and the 农业农村局's yearly files from
    # the drop folder (one load per file); nothing quarantined in the clean sample
    loads = dict(pipeline.query("SELECT dataset_id, count(*) FROM raw.load_log GROUP BY ALL"))
    assert set(loads) == set(load_catalog())
    assert loads["water_rural_environment"] == 7 and loads["air_hourly_readings"] == 72
    assert pipeline.query("SELECT count(*) FROM raw.load_log WHERE dataset_id = "
                          "'water_rural_environment' AND source_uri NOT LIKE 'file://%'") == [(0,)]
    assert pipeline.query("SELECT count(*) FROM raw.quarantine") == [(0,)]


def test_make_run_prints_one_line_per_asset_and_keeps_the_full_log(published):
    lines = published.progress.getvalue().splitlines()
    assets = {key.to_user_string() for key in published.defs.resolve_asset_graph().get_all_asset_keys()}
    printed = [line.split()[1] for line in lines if line.split()[0] in {"ok", "WARN", "FAIL", "--"}]
    assert sorted(printed) == sorted(assets)  # each asset once, when it finished
    line = next(x for x in lines if " marts/mart_solid_waste_utilization " in x)
    assert line.startswith("ok") and "66 rows" in line and "checks 7/7 passed" in line
    line = next(x for x in lines if " raw/waste_domestic_waste " in x)
    assert "55 rows" in line and " s " in line and "/2 passed" in line  # the gate and freshness
    log = published.log_path.read_text(encoding="utf-8")
    assert "PASS not_null_mart_solid_waste_utilization_year" in log  # dbt's lines: in the log only
    assert "PASS not_null" not in published.progress.getvalue()


def test_every_asset_shows_rows_and_column_schema_in_the_ui(published):
    """Row counts and column types as built, on every raw and dbt asset's materialization."""
    for event in published.result.get_asset_materialization_events():
        key, metadata = event.asset_key, event.materialization.metadata
        if key.path[0] == "published":
            continue
        assert metadata["dagster/row_count"].value >= 0, key
        columns = {c.name: c for c in metadata.get("dagster/column_schema").value.columns} \
            if "dagster/column_schema" in metadata else None
        if key.path[0] == "raw":  # the column schema is the asset's definition metadata
            columns = {c.name: c for c in published.defs.resolve_asset_graph().get(key)
                       .metadata["dagster/column_schema"].columns}
        assert columns and all(c.type and c.type != "?" for c in columns.values()), key
    fact = next(e for e in published.result.get_asset_materialization_events() if e.asset_key == FACT_KEY)
    metadata = fact.materialization.metadata
    assert metadata["dagster/row_count"].value == published.query(f"SELECT count(*) FROM {FACT}")[0][0]
    obs_value = next(c for c in metadata["dagster/column_schema"].value.columns if c.name == "obs_value")
    assert obs_value.type == "DOUBLE" and obs_value.description


def test_every_raw_source_has_a_freshness_check_naming_its_department(published):
    fresh = {e.asset_key.path[-1]: e for e in published.result.get_asset_check_evaluations()
             if e.check_name == FRESHNESS_CHECK}
    assert set(fresh) == set(load_catalog())
    industrial = fresh["waste_industrial_solid_waste"]
    assert industrial.severity == dg.AssetCheckSeverity.WARN
    assert industrial.metadata["latest_period"].text == "2024"
    assert industrial.passed == (industrial.metadata["expected_period"].text <= "2024")
    if not industrial.passed:
        assert "市生态环境局 is late" in industrial.description


def test_every_plan_target_is_tracked_for_the_city(published):
    pipeline = published
    with open(SHARED_TARGETS if SHARED_TARGETS.exists() else SEED_TARGETS, encoding="utf-8") as fh:
        target_ids = {row["target_id"] for row in csv.DictReader(fh)}
    progress = dict(pipeline.query(
        "SELECT target_id, status FROM marts.mart_target_progress WHERE region_code = '511900'"))
    assert set(progress) == target_ids and len(target_ids) == 65
    # every indicator comes from catalogued datasets (load_indicators checks it), and on the
    # sample every target has data, CO2 per GDP included (mart_carbon)
    assert {t for t, s in progress.items() if s != "no_data"} == target_ids
    # every mart, dimension and the fact have rows
    tables = [t for (t,) in pipeline.query(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'")]
    assert sorted(tables) == sorted(model_nodes(DBT_PROJECT_DIR / "target" / "manifest.json", "marts"))
    empty = [t for t in tables if pipeline.query(f'SELECT count(*) FROM marts."{t}"') == [(0,)]]
    assert empty == []
    assert pipeline.query(
        "SELECT count(*) FROM marts.mart_target_progress WHERE status = 'no_data' "
        "AND (latest_value IS NOT NULL OR projected_value IS NOT NULL)") == [(0,)]
    # county rows only where the indicator exists at county level
    assert pipeline.query(
        "SELECT count(DISTINCT region_code) FROM marts.mart_target_progress "
        "WHERE target_id = 'T61'") == [(6,)]
    assert pipeline.query(
        "SELECT count(*) FROM marts.mart_target_progress WHERE target_id = 'T01'") == [(1,)]


def test_rerun_lands_nothing_and_a_revision_lands_as_a_new_vintage(pipeline, capsys):
    first = mart_rows(pipeline)
    loads = pipeline.query("SELECT count(*) FROM raw.load_log")[0][0]

    rerun = pipeline.run_selection(dg.AssetSelection.groups("raw"))  # same bytes from the portal
    assert rerun.success
    assert pipeline.query("SELECT count(*) FROM raw.load_log")[0][0] == loads
    assert pipeline.query("SELECT count(*) FROM raw.waste_domestic_waste")[0][0] == 55
    assert mart_rows(pipeline) == first
    # no load is validated twice: the gate reuses the stored result of each (raw.dq_results)
    air = next(e for e in rerun.get_asset_check_evaluations()
               if e.asset_key.path[-1] == "air_hourly_readings" and e.check_name == "gx_raw_suite")
    assert air.passed and air.metadata["loads_validated_now"].value == 0
    assert air.metadata["loads_checked"].value == 72
    assert pipeline.query("SELECT count(*) FROM raw.dq_results WHERE asset_key = "
                          "'raw/air_hourly_readings'") == [(72,)]

    # the department revises 2024 for 巴州区: 12.0 → a new vintage, staging keeps the latest
    path = pipeline.portal_root / DOMESTIC_CSV
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("2024,巴州区,"))
    cells = lines[i].split(",")
    cells[2], cells[3] = "30.00", "29.70"
    lines[i] = ",".join(cells)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

    # and a revised file in the drop folder (same name, new bytes) is a new vintage too
    drop = pipeline.settings.drop_dir / "农业农村局" / "农村人居环境_2025.csv"
    text = drop.read_bytes().decode("gbk")
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("2025,通江县,"))
    cells = lines[i].split(",")
    cells[3] = str(int(cells[2]))  # every village of 通江县 now treats its sewage
    lines[i] = ",".join(cells)
    drop.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))

    result = pipeline.run_path(["waste_domestic_waste", "water_rural_environment"], to=[MART_KEY, FACT_KEY])
    assert result.success
    assert pipeline.query("SELECT count(*) FROM raw.waste_domestic_waste")[0][0] == 110
    assert pipeline.query(
        "SELECT domestic_waste_collected_t, domestic_waste_harmless_treatment_rate_pct, "
        f"is_revised FROM {MART} WHERE region_code = '511902' AND year = 2024") == [
        (300000.0, 99.0, True)]
    assert pipeline.query(
        "SELECT obs_status FROM marts.fct_indicator_observation WHERE ref_area = '511902' "
        "AND time_period = '2024' AND indicator_code = 'urban_domestic_waste_collected'") == [
        ("R",)]
    assert pipeline.query("SELECT count(*) FROM raw.water_rural_environment")[0][0] == 35 + 5
    assert pipeline.query(
        "SELECT obs_value, obs_status FROM marts.fct_indicator_observation WHERE ref_area = '511921' "
        "AND time_period = '2025' AND indicator_code = 'village_sewage_treatment_share'") == [
        (100.0, "R")]

    # the same run again, with nothing new: dbt is not run, nothing after it either
    again = pipeline.run_path(["waste_domestic_waste", "water_rural_environment"], to=[MART_KEY, FACT_KEY])
    assert again.success
    assert {e.asset_key.path[0] for e in again.get_asset_materialization_events()} == {"raw"}
    assert pipeline.instance.get_run_by_id(again.run_id).tags[UNCHANGED_TAG] == result.run_id
    print_summary(again, pipeline.settings, 1.0, instance=pipeline.instance)
    printed = capsys.readouterr().out
    assert f"up to date (nothing new since run {result.run_id}" in printed
    assert "(unchanged: nothing new)" in printed and "NOT RUN" not in printed
    assert pipeline.query("SELECT run_id, status FROM raw.build_log ORDER BY started_at DESC LIMIT 1") == [
        (result.run_id, "succeeded")]


def test_a_batch_failing_the_gate_stops_the_run_and_leaves_published_files(pipeline, capsys):
    snapshot = pipeline.settings.publish_dir / "shared" / SNAPSHOT_NAME
    before = snapshot.read_bytes()

    # a wrong number in a mart (as a transformation bug would make it) never gets published
    with duckdb.connect(str(pipeline.settings.warehouse_path)) as con:
        con.execute(f"UPDATE {MART} SET domestic_waste_harmless_treatment_rate_pct = 130 "
                    "WHERE region_code = '511903' AND year = 2020")
    publish = dg.AssetKey(["published", "marts_snapshot"])
    marts = pipeline.defs.resolve_asset_graph().get(publish).parent_keys
    result = pipeline.run_selection(dg.AssetSelection.assets(publish), checks=dg.AssetSelection.checks(
        *[dg.AssetCheckKey(key, "gx_mart_suite") for key in marts]))
    errors = [e for e in result.get_asset_check_evaluations()
              if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    assert [(e.asset_key.path[-1], e.check_name) for e in errors] == [
        ("mart_solid_waste_utilization", "gx_mart_suite")]
    assert "domestic_waste_harmless_treatment_rate_pct" in errors[0].description
    assert "'511903'" in errors[0].description and "'year': 2020" in errors[0].description
    assert not result.get_asset_materialization_events() and snapshot.read_bytes() == before

    # every row unusable: all land in quarantine, the batch is empty, the GX gate says no
    header = (pipeline.portal_root / DOMESTIC_CSV).read_text(encoding="utf-8").splitlines()[0]
    pipeline.publish(DOMESTIC_CSV, (header + "\n2024,成都市,1,1,,,\n2024,重庆,1,1,,,\n").encode())
    result = pipeline.run_path(["waste_domestic_waste"], to=[publish])

    failed = gate_failures(result)
    assert [(e.asset_key, e.severity) for e in failed] == [
        (dg.AssetKey(["raw", "waste_domestic_waste"]), dg.AssetCheckSeverity.ERROR)]
    assert "expect_column_values_to_be_between on rows_landed" in failed[0].description
    assert "critical: quarantine:unknown_region on region: 2 unexpected" in failed[0].description
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "mart_solid_waste_utilization"]) not in materialized
    assert dg.AssetKey(["published", "marts_snapshot"]) not in materialized
    assert snapshot.read_bytes() == before

    # the run stopped at the gate: not one step past it ran, and the summary says so
    assert {e.asset_key.path[0] for e in result.get_asset_materialization_events()} == {"raw"}
    print_summary(result, pipeline.settings, 1.0)
    summary = capsys.readouterr().out
    assert "assets: 1 materialized, " in summary and " NOT RUN (" in summary and "1 published" in summary
    assert "NOT updated by this run" in summary and "FAILED" in summary
    # nothing lost: both rows are in quarantine with their rule
    assert pipeline.query("SELECT rule, count(*) FROM raw.quarantine GROUP BY rule") == [
        ("unknown_region", 2)]


def test_a_county_missing_from_a_year_warns_and_withholds_the_city_figure(pipeline):
    # the department's first delivery (an earlier vintage would still hold the county's row)
    pipeline.forget_loads("waste_domestic_waste")
    path = pipeline.portal_root / DOMESTIC_CSV
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [x for x in lines if not x.startswith("2024,平昌县")]
    # and a department writing full-width digits and spaces: mapped and parsed all the same
    lines = [x.replace("2023,通江,", "２０２３,　通江　,") for x in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = pipeline.run_path(["waste_domestic_waste"], to=[MART_KEY, FACT_KEY])
    assert result.success  # a warning does not block
    failed = {(e.asset_key.path[-1], e.check_name): e for e in gate_failures(result)}
    assert {k: e.severity for k, e in failed.items()} == {
        ("waste_domestic_waste", "gx_raw_suite"): dg.AssetCheckSeverity.WARN,
        ("mart_solid_waste_utilization", "gx_mart_suite"): dg.AssetCheckSeverity.WARN,
        ("fct_indicator_observation", "golden_row_counts_fct_indicator_observation_left_time_period_4_"):
            dg.AssetCheckSeverity.WARN}
    # the gap is named where it enters (raw) and where it shows (the mart's 2024 column)
    assert "regions_reporting_min" in failed["waste_domestic_waste", "gx_raw_suite"].description
    mart_warning = failed["mart_solid_waste_utilization", "gx_mart_suite"].description
    assert "domestic_waste_collected_t__regions" in mart_warning and "'year': 2024" in mart_warning
    assert pipeline.query(
        f"SELECT domestic_waste_collected_t FROM {MART} WHERE region_code = '511900' "
        "AND year = 2024") == [(None,)]
    assert pipeline.query(
        f"SELECT count(*) FROM {MART} WHERE region_code = '511921' AND year = 2023 "
        "AND domestic_waste_collected_t > 0") == [(1,)]


def test_the_ghg_station_gets_monthly_and_annual_means_by_its_capture_rules(published):
    """光雾山: hourly CO2/CH4 with flags → monthly means (≥ 50 % of hours valid), annual means of
    the valid months (≥ 11), growth, and the difference from the WMO global mean."""
    rows = {(gas, period): rest for gas, period, *rest in published.query(
        "SELECT gas, period, mean_value, capture_pct, is_valid, months_valid, growth_per_year, "
        "background_global_mean, difference_from_background FROM marts.mart_ghg_station")}
    assert len(rows) == 2 * (24 + 2)
    # April 2024 lost 20 days to maintenance: the month is not valid, the year still is
    april = rows[("co2", "2024-04")]
    assert april[1] < 50 and april[2] is False
    mean_2024, _, valid, months, growth, reference, difference = rows[("co2", "2024")]
    assert valid and months == 11 and reference == 423.9
    # from unrounded means, published at 3 decimals
    assert abs(difference - (mean_2024 - 423.9)) < 2e-3
    assert abs(growth - (mean_2024 - rows[("co2", "2023")][0])) < 2e-3
    # locally influenced hours (flag L) are kept out: the hand-made sample's background is
    # a few ppm above the global mean, not tens
    assert 0 < rows[("co2", "2023")][6] < 6
    hours = published.query("SELECT count(*), count(*) FILTER (WHERE co2_flag = 'L') "
                             "FROM staging.stg_carbon__ghg_station_hourly")[0]
    assert hours[0] == 8760 + 8784 and hours[1] > 1000


def test_drinking_water_auto_monitoring_gets_daily_classes_events_and_capture(published):
    """千吨万人 automatic stations: readings every 4 hours → a GB 3838 class per day (single
    factor, ≥ 4 complete readings), runs of readings worse than class III as events, and
    capture per station and year."""
    annual = published.query(
        "SELECT station_code, readings_expected, readings_complete, capture_pct, days_classed, "
        "days_worse_than_class_iii, exceedance_events FROM marts.mart_drinking_water_auto_monitoring_annual")
    assert len(annual) == 5
    for station, expected, complete, capture, classed, worse, events in annual:
        assert expected == 6 * 365 and 95 < capture < 100  # ~2 % of the sample's readings missing
        assert abs(capture - 100 * complete / expected) < 0.05 and classed <= 365
        # each NH3-N episode (3–6 readings above 1.0 mg/L) is one event
        assert events == published.query(
            "SELECT count(*) FROM marts.mart_drinking_water_exceedance_events WHERE station_code = ?",
            [station])[0][0] >= 1
        # a day is worse than class III exactly when its daily NH3-N mean is (the only
        # parameter the sample pushes past its limit)
        assert worse == published.query(
            "SELECT count(*) FROM marts.mart_drinking_water_auto_monitoring WHERE station_code = ? "
            "AND readings_complete >= 4 AND nh3n_mgl > 1.0", [station])[0][0]
    # the feed counts the systems that reported (T60's township part, measured): every sample
    # station delivers ~98 %, so the city has 5, one per county
    reporting = dict(published.query(
        "SELECT ref_area, obs_value FROM marts.fct_indicator_observation WHERE time_period = '2025' "
        "AND indicator_code = 'water_source_auto_monitoring_systems_reporting'"))
    assert reporting["511900"] == sum(v for k, v in reporting.items() if k != "511900") == 5
    assert all(r[3] > 75 for r in annual)
    peak, limit, readings = published.query(
        "SELECT max(peak_mgl), any_value(class_iii_limit_mgl), min(readings) "
        "FROM marts.mart_drinking_water_exceedance_events WHERE parameter = 'nh3n_mgl'")[0]
    assert limit == 1.0 and 1.0 < peak <= 1.6 and readings >= 1


def test_permits_and_disclosures_meet_per_enterprise_pollutant_and_year(published):
    """排污许可 + 依法披露: the newest report's outlets summed against the permit in force, the
    first version's date judging on time or late, names traced to one credit code, the county
    and section roll-ups adding up to the city, and CO2 (有条件共享) kept out of the open tier."""
    rows = {(code, year, pollutant): rest for code, year, pollutant, *rest in published.query(
        "SELECT credit_code, year, pollutant_code, permitted_t, disclosed_t, permit_utilisation_pct, "
        "disclosure_status, is_revised, co2_t, quadrant FROM marts.mart_enterprise_emissions")}
    # the paper mill's 2023 report was corrected (a second file, COD × 0.9): the newest counts,
    # and the report stays on time by its first version's date
    drop = REPO_DIR / "ingestion" / "sample_data" / "drop" / "环境信息依法披露"
    revised = json.loads((drop / "91511900SAMPLE0003_2023_修订1.json").read_text(encoding="utf-8"))
    cod = sum(item["年排放量(吨)"] for outlet in revised["三、污染物产生、治理与排放信息"]["排放口"]
              for item in outlet["污染物"] if item["污染物名称"] in {"CODcr", "化学需氧量"})
    permitted, disclosed, utilisation, status, is_revised, co2, _ = rows[("91511900SAMPLE0003", 2023, "COD")]
    assert abs(disclosed - cod) < 1e-9 and is_revised and status == "on_time"
    assert abs(utilisation - 100 * disclosed / permitted) < 1e-9
    assert co2 == revised["四、碳排放信息"]["二氧化碳排放量(吨)"]
    assert rows[("91511900SAMPLE0007", 2022, "VOCS")][3] == "late"  # first published in April
    assert rows[("91511900SAMPLE0004", 2023, "COD")][1:4] == [None, None, "missing"]  # 重点管理, no report
    assert rows[("91511900SAMPLE0010", 2024, "VOCS")][3] == "not_required"  # 简化管理
    # no rows for the chemical plant before its first permit (2022-07-01)
    assert not [k for k in rows if k[0] == "91511900SAMPLE0006" and k[1] < 2022]
    # the renamed power company: both names lead to one code
    aliases = published.query("SELECT DISTINCT alias FROM marts.dim_enterprise_alias "
                              "WHERE credit_code = '91511900SAMPLE0002' ORDER BY alias")
    assert aliases == [("巴中样例发电有限责任公司",), ("巴中样例火电有限公司",)]
    # roll-ups: counties and sections each add up to the city
    sums = published.query("SELECT breakdown, sum(disclosed_t), sum(enterprises) FROM "
                           "marts.mart_enterprise_emissions_by_area "
                           "WHERE year = 2024 AND pollutant_code = 'SO2' GROUP BY ALL ORDER BY breakdown")
    assert [b for b, *_ in sums] == ["city", "county", "industry_section"]
    assert all(abs(s - sums[0][1]) < 1e-9 and n == sums[0][2] for _, s, n in sums)
    # the emissions-based synergy beside the concentration proxy, same quadrant rule
    synergy = published.query("SELECT pollutant_change_pct, co2_change_pct, quadrant FROM marts.mart_synergy "
                              "WHERE basis = 'enterprise_emissions' AND region_code = '511900'")
    assert len(synergy) >= 12
    assert all((q == "synergy") == (p < 0 and c < 0) for p, c, q in synergy)
    # open tier: the enterprise mart without CO2 and what is computed from it
    snapshot = published.settings.publish_dir / "open" / SNAPSHOT_NAME
    with duckdb.connect(str(snapshot), read_only=True) as con:
        opened = {c for (c, *_) in con.execute("DESCRIBE mart_enterprise_emissions").fetchall()}
    assert {"credit_code", "enterprise_name_zh", "permitted_t", "disclosed_t",
            "permit_utilisation_pct"} <= opened
    assert not opened & {"co2_t", "previous_co2_t", "co2_change_pct", "synergy_elasticity", "quadrant"}
