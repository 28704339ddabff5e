"""Reference seeds: the plan's targets as published, mapped to indicators; region aliases."""

import csv
from pathlib import Path

import pytest

from ingestion.catalog import SEEDS_DIR
from ingestion.reference import region_aliases
from ingestion.rules import normalize_name
from orchestration.settings import REPO_DIR

SHARED_TARGETS = REPO_DIR.parent / "shared" / "plan_targets.csv"


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.skipif(not SHARED_TARGETS.exists(), reason="shared/ is not beside this checkout")
def test_plan_targets_seed_is_the_shared_file_verbatim():
    assert (SEEDS_DIR / "plan_targets.csv").read_bytes() == SHARED_TARGETS.read_bytes()


def test_every_target_maps_to_a_catalogued_indicator():
    targets = {r["target_id"] for r in read(SEEDS_DIR / "plan_targets.csv")}
    mapping = {r["target_id"]: r["indicator_code"] for r in read(SEEDS_DIR / "plan_target_indicators.csv")}
    indicators = {r["indicator_code"]: r for r in read(SEEDS_DIR / "indicators.csv")}
    assert len(targets) == 65 and set(mapping) == targets
    assert set(mapping.values()) <= set(indicators)
    for row in indicators.values():  # bilingual, with a share type (provider and cycle: its datasets')
        assert row["name_zh"] and row["name_en"] and row["unit"] and row["definition"]
        assert row["share_type_zh"] in {"无条件共享", "有条件共享", "不予共享"}
    monitored = {"pm25_annual_mean", "o3_mda8_90th_percentile", "good_air_days_share",
                 "co2_emissions_energy", "energy_consumption_total", "gdp_comparable_prices"}
    assert monitored <= set(indicators)


def test_coefficient_seeds_cite_their_sources():
    for name in ["coal_equivalent_coefficients", "co2_emission_factors", "grid_emission_factors"]:
        rows = read(SEEDS_DIR / f"{name}.csv")
        assert rows and all(r["source"].strip() for r in rows), name
    grid = {(r["grid_name"], r["data_year"]): float(r["kg_co2_per_kwh"])
            for r in read(SEEDS_DIR / "grid_emission_factors.csv")}
    assert grid[("四川", "2022")] == 0.1404 and grid[("全国", "2022")] == 0.5366


@pytest.mark.parametrize(("name", "code"), [
    ("巴州区", "511902"),
    ("巴州", "511902"),
    ("　平　昌　县　", "511923"),  # full-width spaces, as NBS tables print names
    ("通江縣", "511921"),           # traditional characters from mirror sites
    ("文旅示范区", "511900-Z2"),    # the zone's newer name
    ("５１１９７１", "511900-Z1"),  # NBS code in full-width digits
])
def test_region_names_map_to_codes(name, code):
    assert region_aliases()[normalize_name(name)] == code


def test_unknown_region_is_not_guessed():
    assert normalize_name("成都市") not in region_aliases()


def test_the_city_code_is_the_regions_seed_city_everywhere():
    """One city code: the regions seed's city row, read by ingestion (CITY_CODE) and set for
    dbt's macro city_code() in dbt_project.yml."""
    import yaml

    from ingestion import CITY_CODE
    project = yaml.safe_load((SEEDS_DIR.parent / "dbt_project.yml").read_text(encoding="utf-8"))
    cities = [r["region_code"] for r in read(SEEDS_DIR / "regions.csv") if r["region_level"] == "city"]
    assert cities == [CITY_CODE] == [project["vars"]["city_code"]]


def test_one_vocabulary_of_domains():
    """seeds/domains.csv names every domain of sources.yml and of the indicator catalogue
    (load_indicators refuses others) and every folder of the marts, in Chinese and English."""
    from ingestion.indicators import load_domains, load_indicators

    domains = load_domains()
    assert all(d["name_zh"] and d["name_en"] for d in domains.values())
    assert {i.domain for i in load_indicators().values()} <= set(domains)
    marts = SEEDS_DIR.parent / "models" / "marts"
    assert {p.name for p in marts.iterdir() if p.is_dir()} <= set(domains)
