"""Things done in one place only: reading the environment (orchestration/settings.py) and
reading the dbt manifest (publishing/metadata.py). The layer contracts themselves are
import-linter's (.importlinter, run by `make lint`)."""

import re

from orchestration.settings import REPO_DIR

PACKAGES = ["ingestion", "expectations", "publishing", "orchestration", "bench"]


def modules_matching(pattern: re.Pattern) -> set[str]:
    return {path.relative_to(REPO_DIR).as_posix()
            for folder in PACKAGES for path in (REPO_DIR / folder).rglob("*.py")
            if pattern.search(path.read_text(encoding="utf-8"))}


# Reading the environment: os.environ.get / [...] / in os.environ / os.getenv (writes are fine)
ENV_READ = re.compile(r"os\.getenv\(|os\.environ\.get\(|in os\.environ|os\.environ\[[^\]]+\](?!\s*=[^=])")


def test_only_the_settings_module_reads_the_environment():
    assert modules_matching(ENV_READ) == {"orchestration/settings.py"}


def test_only_publishing_metadata_parses_the_dbt_manifest():
    parses = re.compile(r"json\.loads?\((?:[^()]|\([^()]*\))*manifest", re.IGNORECASE)
    assert modules_matching(parses) == set()  # read_manifest parses the path it is given
    assert modules_matching(re.compile(r"def read_manifest\(")) == {"publishing/metadata.py"}
    assert "manifest.json" not in "".join(
        (REPO_DIR / m).read_text(encoding="utf-8") for m in modules_matching(re.compile("manifest"))
        if m != "publishing/metadata.py")


def test_cells_are_parsed_by_the_landing_contract_only():
    """The number grammar, the units and the region aliases are applied once, at landing
    (ingestion/contract.py from ingestion/rules.py): no other module parses a cell, and
    staging reads the typed columns."""
    parses = re.compile(r"def (?:parse_number|split_unit|to_number|is_missing)\b|MISSING_MARKERS\b")
    assert modules_matching(parses) == {"ingestion/rules.py", "ingestion/contract.py"}
    staging = REPO_DIR / "dbt_project" / "models" / "staging"
    reparsing = re.compile(r"to_number|try_cast|strptime|join_region_code|convert_unit\(", re.IGNORECASE)
    assert [p.name for p in staging.rglob("*.sql") if reparsing.search(p.read_text(encoding="utf-8"))] \
        == ["stg_economy__gdp.sql"]  # NBS cells carry their unit per row: 亿元 → 10^4 yuan there
