"""The source catalog (`sources.yml`): what each dataset is, where it comes from, its contract."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .rules import ROW_RULES

PACKAGE_DIR = Path(__file__).resolve().parent
CATALOG_PATH = PACKAGE_DIR / "sources.yml"
SAMPLE_DATA_DIR = PACKAGE_DIR / "sample_data"
SEEDS_DIR = PACKAGE_DIR.parent / "dbt_project" / "seeds"


FIELD_KINDS = {"year", "region", "number", "text", "datetime", "date", "code"}

# What landing adds to every raw row besides the contract's fields (kept as received, text):
# column → (DuckDB type, description). The raw tables, the dbt source docs and the Dagster
# column schema are all made from this and the fields.
# The typed column landing writes beside a field's text, by kind: (suffix, DuckDB type).
TYPED_COLUMNS = {"number": ("__value", "DOUBLE"), "year": ("__value", "INTEGER"),
                 "datetime": ("__value", "TIMESTAMP"), "date": ("__value", "DATE"),
                 "region": ("__code", "VARCHAR"), "code": ("__code", "VARCHAR")}
class CatalogError(ValueError):
    """The catalog itself is malformed."""


@dataclass(frozen=True)
class Field:
    name: str
    header: str
    kind: str
    description: str
    required: bool = False
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    # kind code: the seed (alias, code) that maps what sources write to the code
    codes: str | None = None
    # a number's column in staging when it is not the field's name (usually with its unit:
    # freight_total → freight_total_t); macro staged_numbers() selects every number so
    staged_as: str | None = None

    @property
    def staged_name(self) -> str:
        return self.staged_as or self.name


@dataclass(frozen=True)
class Department:
    name_zh: str
    team: str  # stable ASCII id: the Dagster owner is team:<team>
    name_en: str
    credit_code: str = ""  # 统一社会信用代码: the catalogue's 信息资源提供方代码
    credit_code_sample: bool = False  # a made-up code of the right form, not the real one

    @property
    def owner(self) -> str:
        return f"team:{self.team}"


@dataclass(frozen=True)
class UpdateCycle:
    """更新周期: when a dataset is looked for (cron) and when its newest period is late."""
    name_zh: str
    name_en: str
    period: str  # year | month: how the data's periods are counted
    cron: str  # Asia/Shanghai
    due_days: int  # a period is due this many days after it ends


PERIODS = {"year", "month"}
# The fields of a permit register a report is checked against (sources.yml permit_register),
# by role: the same names in the register dataset and, mapped, in the report dataset.
PERMIT_REGISTER_ROLES = ("enterprise", "year", "pollutant", "emissions")
# Register side: these fields, of these kinds, must exist in the register dataset.
PERMIT_REGISTER_FIELDS = {"credit_code": "text", "pollutant": "code", "valid_from": "date",
                          "valid_to": "date", "permitted_t": "number"}


@dataclass(frozen=True)
class Dataset:
    id: str
    title_zh: str
    title_en: str
    department: str
    domain: str
    format: str
    encoding: str
    frequency: str
    update_cycle: str  # 更新周期, a key of update_cycles in sources.yml
    natural_key: tuple[str, ...]
    fields: tuple[Field, ...]
    url: str | None = None
    drop_glob: str | None = None
    # how the url is read: one file (default), a paged JSON API, or an index of files
    fetch: str = "file"
    auth: str | None = None  # "token": send BAZHONG_PORTAL_TOKEN as a Bearer token
    regions: tuple[str, ...] = ()
    # row rules (ingestion.rules.ROW_RULES) whose quarantined rows only warn for this
    # dataset instead of stopping it at the gate: an hourly feed loses the odd reading
    warn_rules: tuple[str, ...] = ()
    # number fields each of which is a measurement on its own (an hour's six pollutants): a
    # bad value quarantines that cell, and the row's other cells land
    cell_fields: tuple[str, ...] = ()
    # a listing of monthly files: where a listed file's name says its month (a regex with
    # year and month groups) and the first month there is; the raw asset is then partitioned
    # by month, and a run for some months fetches only their files
    month_in_name: str | None = None
    first_month: str | None = None
    # how long one file (one page) may take to arrive, whole; unset: the catalog's default
    fetch_deadline_seconds: float | None = None
    # hosts (host[:port]) a redirect may lead to besides the url's own
    redirect_hosts: tuple[str, ...] = ()
    # an enterprise's reports checked against the permit register (another dataset, landed
    # first): {dataset, and which of this dataset's fields are enterprise, year, pollutant,
    # emissions}; the rules are unknown_enterprise, before_permit, above_permit_limit
    permit_register: dict[str, str] | None = None
    # a report a later file replaces (the same key, e.g. enterprise and year, in another file:
    # a correction) is compared with the report it replaces, and a change beyond these bounds
    # is held at the gate for review: {key: [fields], item: field, amount: number field,
    # max_figures_factor: figures (rows) ×/÷ at most this, max_amount_factor: an item's total
    # ×/÷ at most this}; an item the earlier report had and the new one lacks is held too
    revision_bounds: dict[str, Any] | None = None
    # where landed rows live: `duckdb` (a table in the warehouse) or `parquet` (Parquet files
    # beside it, which Spark reads too: ingestion/raw_files.py); the hourly feeds and what
    # their Spark models read are `parquet`
    storage: str = "duckdb"

    @property
    def monthly(self) -> bool:
        return self.month_in_name is not None

    def month_of(self, name: str) -> str | None:
        """'YYYY-MM' of a listed file, from its name (None when the name has no month)."""
        match = re.search(self.month_in_name or "(?!)", name)
        return f"{match.group(1)}-{match.group(2)}" if match else None

    @property
    def time_key(self) -> str | None:
        """The typed column of the natural key's time (hour__value), if it has one."""
        return next((self.typed_column(k) for k in self.natural_key
                     if self.field(k).kind == "datetime"), None)

    @property
    def raw_partition(self) -> str | None:
        """The Hive partition column of rows stored as Parquet: `month` (YYYY-MM) for a monthly
        feed (its file's month) or a dataset keyed by a time (the time's month), else None."""
        return "month" if self.storage == "parquet" and (self.monthly or self.time_key) else None

    @property
    def departments(self) -> list[Department]:
        """The providing departments (sources.yml writes several as 市统计局、市发展改革委)."""
        known = load_departments()
        return [known[name] for name in self.department.split("、")]

    @property
    def owners(self) -> list[str]:
        return [d.owner for d in self.departments]

    @property
    def fetch_deadline(self) -> float:
        return float(self.fetch_deadline_seconds or _catalog_yaml()["fetch_deadline_seconds"])

    @property
    def cycle(self) -> UpdateCycle:
        return load_update_cycles()[self.update_cycle]

    @property
    def raw_table(self) -> str:
        return f"raw.{self.id}"

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def typed_column(self, name: str) -> str | None:
        """The typed column landing writes for a field (None for text)."""
        kind = self.field(name).kind
        return name + TYPED_COLUMNS[kind][0] if kind in TYPED_COLUMNS else None

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.id} has no field {name!r}")

    def resolve_url(self, portal_url: str) -> str:
        if self.url is None:
            raise CatalogError(f"{self.id} is a file-drop dataset and has no url")
        return self.url.replace("{portal}", portal_url.rstrip("/"))


def _parse_dataset(entry: dict[str, Any]) -> Dataset:
    fields = tuple(Field(**f) for f in entry.pop("fields"))
    ds = Dataset(
        **{k: v for k, v in entry.items()
           if k not in {"natural_key", "regions", "warn_rules", "redirect_hosts", "cell_fields"}},
        cell_fields=tuple(entry.get("cell_fields", ())),
        redirect_hosts=tuple(entry.get("redirect_hosts", ())),
        natural_key=tuple(entry.get("natural_key", ())),
        regions=tuple(str(r) for r in entry.get("regions", ())),
        warn_rules=tuple(entry.get("warn_rules", ())),
        fields=fields,
    )
    names = ds.field_names
    problems = []
    if (ds.url is None) == (ds.drop_glob is None):
        problems.append("set exactly one of url and drop_glob")
    if ds.storage not in {"duckdb", "parquet"}:
        problems.append(f"unknown storage {ds.storage!r} (duckdb or parquet)")
    if ds.fetch not in {"file", "pages", "listing"}:
        problems.append(f"unknown fetch {ds.fetch!r} (file, pages or listing)")
    if len(set(names)) != len(names):
        problems.append("field names repeat")
    problems += [f"field {f.name}: unknown kind {f.kind!r}" for f in fields if f.kind not in FIELD_KINDS]
    problems += [f"natural_key {k!r} is not a field" for k in ds.natural_key if k not in names]
    numbers = {f.name for f in fields if f.kind == "number"}
    # an absurd figure (1e308 t of CO2) must break a rule, never reach a mart
    problems += [f"field {f.name}: a number field needs a plausible range (min and max)"
                 for f in fields if f.kind == "number" and (f.min is None or f.max is None)]
    problems += [f"warn_rules: unknown rule {r!r} (one of {sorted(ROW_RULES)})"
                 for r in ds.warn_rules if r not in ROW_RULES]
    if ds.month_in_name and (ds.fetch != "listing" or not ds.first_month
                             or re.compile(ds.month_in_name).groups != 2):
        problems.append("month_in_name needs fetch: listing, a first_month and two groups (year, month)")
    unknown = [n for n in ds.department.split("、") if n not in load_departments()]
    if unknown:
        problems.append(f"department(s) {unknown} not in departments")
    if ds.update_cycle not in load_update_cycles():
        problems.append(f"update_cycle {ds.update_cycle!r} is not one of {sorted(load_update_cycles())}")
    elif ds.cycle.period == "month" and not ds.monthly:
        problems.append("a monthly update_cycle needs month_in_name (its periods come from file names)")
    elif ds.cycle.period == "year" and not any(f.kind in {"year", "date"} for f in fields):
        problems.append("a yearly update_cycle needs a field of kind year or date")
    problems += [f"field {f.name}: kind code needs codes: <seed with alias,code columns>"
                 for f in fields if (f.kind == "code") != bool(f.codes)
                 or (f.codes and not (SEEDS_DIR / f"{f.codes}.csv").is_file())]
    if ds.permit_register is not None:
        wanted = {"dataset", *PERMIT_REGISTER_ROLES}
        register = ds.permit_register
        if set(register) != wanted or any(register[r] not in names for r in PERMIT_REGISTER_ROLES):
            problems.append(f"permit_register needs exactly {sorted(wanted)}, each role a field")
    if ds.revision_bounds is not None:
        bounds = ds.revision_bounds
        wanted = {"key", "item", "amount", "max_figures_factor", "max_amount_factor"}
        if set(bounds) != wanted or any(k not in names for k in [*bounds["key"], bounds["item"]]) \
                or bounds["amount"] not in numbers:
            problems.append(f"revision_bounds needs exactly {sorted(wanted)}: key and item fields, "
                            "amount a number field, the factors numbers")
    problems += [f"cell_fields: {n!r} is not a number field outside the natural key"
                 for n in ds.cell_fields if n not in numbers or n in ds.natural_key]
    if problems:
        raise CatalogError(f"sources.yml dataset {ds.id}: " + "; ".join(problems))
    return ds


@cache
def _catalog_yaml(path: Path = CATALOG_PATH) -> dict[str, Any]:
    catalog: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return catalog


@cache
def load_departments() -> dict[str, Department]:
    return {name: Department(name_zh=name, **entry)
            for name, entry in _catalog_yaml()["departments"].items()}


@cache
def load_update_cycles() -> dict[str, UpdateCycle]:
    cycles = {name: UpdateCycle(name_zh=name, **entry)
              for name, entry in _catalog_yaml()["update_cycles"].items()}
    wrong = [c.name_zh for c in cycles.values() if c.period not in PERIODS]
    if wrong:
        raise CatalogError(f"sources.yml update_cycles {wrong}: period is one of {sorted(PERIODS)}")
    return cycles


@cache
def load_catalog(path: Path = CATALOG_PATH) -> dict[str, Dataset]:
    datasets = {d.id: d for d in (_parse_dataset(dict(e)) for e in _catalog_yaml(path)["datasets"])}
    for ds in datasets.values():
        if ds.permit_register is None:
            continue
        register = datasets.get(ds.permit_register["dataset"])
        missing = [f"{n} ({kind})" for n, kind in PERMIT_REGISTER_FIELDS.items()
                   if register is None or n not in register.field_names or register.field(n).kind != kind]
        if missing:
            raise CatalogError(f"sources.yml dataset {ds.id}: permit_register "
                               f"{ds.permit_register['dataset']!r} is not a dataset with fields {missing}")
    return datasets
