"""The source catalog (`sources.yml`): what each dataset is, where it comes from, its contract."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from .rules import ROW_RULES, normalize_name, normalized_sql

PACKAGE_DIR = Path(__file__).resolve().parent
CATALOG_PATH = PACKAGE_DIR / "sources.yml"
SAMPLE_DATA_DIR = PACKAGE_DIR / "sample_data"
SEEDS_DIR = PACKAGE_DIR.parent / "dbt_project" / "seeds"

FIELD_KINDS = {"year", "region", "number", "text", "datetime", "date", "code"}

# What landing adds to every raw row besides the contract's fields (kept as received, text):
# column → (DuckDB type, description). The raw tables, the dbt source docs and the Dagster
# column schema are all made from this and the fields.
LOAD_COLUMNS = {
    "_extra": ("VARCHAR", "Headings the contract does not name, with their cells, as JSON"),
    "_load_id": ("VARCHAR NOT NULL", "Load that landed the row (raw.load_log)"),
    "_row_number": ("INTEGER NOT NULL", "Line of the row in the source file"),
    "_source_uri": ("VARCHAR NOT NULL", "Where the file was fetched from"),
    "_source_sha256": ("VARCHAR NOT NULL", "SHA-256 of the fetched bytes (the archive copy's name)"),
    "_fetched_at": ("TIMESTAMPTZ NOT NULL", "When the source bytes were fetched"),
}


# The typed column landing writes beside a field's text, by kind: (suffix, DuckDB type).
TYPED_COLUMNS = {"number": ("__value", "DOUBLE"), "year": ("__value", "INTEGER"),
                 "datetime": ("__value", "TIMESTAMP"), "date": ("__value", "DATE"),
                 "region": ("__code", "VARCHAR"), "code": ("__code", "VARCHAR")}
TYPED_DOCS = {"number": "the number, in {unit}", "year": "the year", "date": "the date",
              "datetime": "the time, local (CST)", "region": "GB/T 2260 code (seed region_aliases)",
              "code": "the code (seed {codes})"}


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


@dataclass(frozen=True)
class Department:
    name_zh: str
    team: str  # stable ASCII id: the Dagster owner is team:<team>
    name_en: str

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
    feeds: tuple[str, ...] = field(default_factory=tuple)
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
    permit_register: dict | None = None
    # a report a later file replaces (the same key, e.g. enterprise and year, in another file:
    # a correction) is compared with the report it replaces, and a change beyond these bounds
    # is held at the gate for review: {key: [fields], item: field, amount: number field,
    # max_figures_factor: figures (rows) ×/÷ at most this, max_amount_factor: an item's total
    # ×/÷ at most this}; an item the earlier report had and the new one lacks is held too
    revision_bounds: dict | None = None
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


def _parse_dataset(entry: dict) -> Dataset:
    fields = tuple(Field(**f) for f in entry.pop("fields"))
    ds = Dataset(
        **{k: v for k, v in entry.items()
           if k not in {"natural_key", "regions", "feeds", "warn_rules", "redirect_hosts", "cell_fields"}},
        cell_fields=tuple(entry.get("cell_fields", ())),
        redirect_hosts=tuple(entry.get("redirect_hosts", ())),
        natural_key=tuple(entry.get("natural_key", ())),
        regions=tuple(str(r) for r in entry.get("regions", ())),
        feeds=tuple(entry.get("feeds", ())),
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
    if ds.monthly and (ds.fetch != "listing" or not ds.first_month
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
def _catalog_yaml(path: Path = CATALOG_PATH) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


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



@dataclass(frozen=True)
class PartOfWhole:
    """A rate's numerator and denominator as number fields of one dataset (indicator catalog,
    seeds/indicators.csv): in every row the parts' sum is at most the wholes' sum, else the
    rate of that row, and of any sum over rows, would exceed 100 %."""
    indicator: str
    parts: tuple[str, ...]
    wholes: tuple[str, ...]


def _terms(expression: str) -> list[tuple[str, str]]:
    """'dataset.field + dataset.field' → [(dataset, field), ...]."""
    return [tuple(t.strip().split(".", 1)) if "." in t else ("", t.strip())
            for t in expression.split("+")] if expression.strip() else []


@cache
def parts_of_wholes() -> dict[str, tuple[PartOfWhole, ...]]:
    """dataset id → the part-of-whole rules its rows must keep, derived from the indicator
    catalog's numerator and denominator (the one place a rate's inputs are declared)."""
    catalog = load_catalog()
    rules: dict[str, list[PartOfWhole]] = {}
    with open(SEEDS_DIR / "indicators.csv", encoding="utf-8", newline="") as fh:
        indicators = list(csv.DictReader(fh))
    for row in indicators:
        code, numerator, denominator = row["indicator_code"], _terms(row["numerator"]), \
            _terms(row["denominator"])
        if not numerator and not denominator:
            continue
        where = f"seeds/indicators.csv {code}"
        if not numerator or not denominator:
            raise CatalogError(f"{where}: give both numerator and denominator, or neither")
        datasets = {d for d, _ in numerator + denominator}
        if len(datasets) != 1 or (dataset := datasets.pop()) not in catalog:
            raise CatalogError(f"{where}: numerator and denominator must name fields of one "
                               f"dataset of sources.yml as dataset.field (got {sorted(datasets)})")
        ds = catalog[dataset]
        numbers = {f.name: f for f in ds.fields if f.kind == "number"}
        names = [n for _, n in numerator + denominator]
        if unknown := [n for n in names if n not in numbers]:
            raise CatalogError(f"{where}: {unknown} are not number fields of {dataset}")
        if len(units := {typed_unit(numbers[n])[0] for n in names}) != 1:
            raise CatalogError(f"{where}: numerator and denominator fields differ in unit "
                               f"({sorted(map(str, units))}); a part-of-whole needs one unit")
        rules.setdefault(dataset, []).append(
            PartOfWhole(code, tuple(n for _, n in numerator), tuple(n for _, n in denominator)))
    return {d: tuple(r) for d, r in rules.items()}


@cache
def region_aliases(seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    """Normalised alias → GB/T 2260 code, from the dbt seed that staging also uses."""
    with open(seeds_dir / "region_aliases.csv", encoding="utf-8", newline="") as fh:
        return {normalize_name(r["alias"]): r["region_code"] for r in csv.DictReader(fh)}


@cache
def code_aliases(seed: str, seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    """Normalised alias → code, from a dbt seed whose first two columns are alias and code
    (kind code fields; staging joins the same seed)."""
    with open(seeds_dir / f"{seed}.csv", encoding="utf-8", newline="") as fh:
        return {normalize_name(r[0]): r[1] for r in list(csv.reader(fh))[1:]}


@cache
def _at_landing() -> dict[str, tuple[str, float]]:
    """Declared unit → (unit the typed column is in, factor): the seed's at_landing rows."""
    with open(SEEDS_DIR / "unit_conversions.csv", encoding="utf-8", newline="") as fh:
        return {r["from_unit"]: (r["to_unit"], float(r["factor"]))
                for r in csv.DictReader(fh) if r["at_landing"] == "true"}


def typed_unit(f: Field) -> tuple[str | None, float]:
    """The unit of a number field's typed column and the factor from its declared unit."""
    return _at_landing().get(f.unit, (f.unit, 1.0)) if f.unit else (None, 1.0)



# --- dbt sources, generated from the catalog so column docs exist once -----------------------

DBT_STAGING_DIR = PACKAGE_DIR.parent / "dbt_project" / "models" / "staging"
GENERATED_NOTE = "# Generated from ingestion/sources.yml by `make catalog`; edit that file instead.\n"


def dbt_sources(domain: str, catalog: dict[str, Dataset] | None = None) -> str:
    """The dbt sources YAML for one domain's raw tables, each mapped to its ingestion asset."""
    catalog = catalog or load_catalog()
    tables = []
    for ds in (d for d in catalog.values() if d.domain == domain):
        columns = [{"name": name, "description": doc} for name, _, doc in raw_columns(ds)]
        tables.append({
            "name": ds.id,
            "description": f"{ds.title_zh} — {ds.title_en}. Provided by {ds.department}; "
                           f"{ds.frequency}; {ds.format} ({ds.encoding}). Each field as received (text) and, "
                           "typed by the landing contract, <field>__value or <field>__code.",
            # read by the publishing step for each published table's 提供方, 来源 and 更新周期
            "meta": {"dagster": {"asset_key": ["raw", ds.id]}, "department": ds.department,
                     "title_zh": ds.title_zh, "update_cycle_zh": ds.update_cycle,
                     # Parquet files Spark registers as this table (macro register_raw_parquet)
                     **({"storage": "parquet", "partition": ds.raw_partition}
                        if ds.storage == "parquet" else {})},
            "columns": columns,
        })
    doc = {"version": 2, "sources": [{"name": domain, "schema": "raw", "tables": tables}]}
    return GENERATED_NOTE + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def raw_columns(ds: Dataset) -> list[tuple[str, str, str]]:
    """(name, DuckDB type, description) of every column of ds.raw_table: each field as
    received (text) and, for a number, year, time or region, typed by the contract beside it
    (NULL where the cell is missing or was quarantined)."""
    fields = []
    for f in ds.fields:
        fields.append((f.name, "VARCHAR", f"{f.header}: {f.description}, as received"
                       + (f" (unit {f.unit})" if f.unit else "")))
        if f.kind in TYPED_COLUMNS:
            what = TYPED_DOCS[f.kind].format(unit=typed_unit(f)[0] or "the field's unit", codes=f.codes)
            fields.append((ds.typed_column(f.name), TYPED_COLUMNS[f.kind][1],
                           f"{f.header}: {f.description}; typed at landing: {what}"))
    partition = [(ds.raw_partition, "VARCHAR", "Month of the row's file (a monthly feed) or of its time, "
                   "YYYY-MM: the folder of the Parquet file it is in")] if ds.raw_partition else []
    return fields + [(name, sql_type.removesuffix(" NOT NULL"), doc)
                     for name, (sql_type, doc) in LOAD_COLUMNS.items()] + partition


def dbt_sources_path(domain: str) -> Path:
    return DBT_STAGING_DIR / domain / f"_{domain}__sources.yml"


NORMALIZE_MACRO_PATH = PACKAGE_DIR.parent / "dbt_project" / "macros" / "normalize_name.sql"


def normalize_macro() -> str:
    """dbt's normalize_name macro, generated from the landing contract's (ingestion/rules.py)."""
    return ("{# Generated by `make catalog` from ingestion/rules.py (normalized_sql); edit that "
            "file instead. #}\n{% macro normalize_name(expr) -%}"
            "{{ adapter.dispatch('normalize_name')(expr) }}{%- endmacro %}\n"
            + "".join(f"{{% macro {prefix}__normalize_name(expr) -%}}\n    "
                      + normalized_sql("{{ expr }}", dialect) + "\n{%- endmacro %}\n"
                      for prefix, dialect in (("default", "duckdb"), ("spark", "spark"))))


MARTS_DIR = PACKAGE_DIR.parent / "dbt_project" / "models" / "marts"
_INDICATOR_COLUMN = re.compile(
    r'^(\s+)meta: \{indicator: (\w+)((?:, \w+: (?:"[^"]*"|\w+))*)\}\n\1description: .*$', re.M)


def indicator_descriptions(text: str) -> str:
    """A models YAML with the description of every indicator column (meta.indicator) made from
    the indicator catalog (seeds/indicators.csv: names, unit), plus the column's own
    meta.note: the catalog is the one place an indicator is described."""
    with open(SEEDS_DIR / "indicators.csv", encoding="utf-8", newline="") as fh:
        catalog = {r["indicator_code"]: r for r in csv.DictReader(fh)}

    def described(match: re.Match) -> str:
        indent, code, rest = match.groups()
        r = catalog[code]
        note = re.search(r'note: "([^"]*)"', rest)
        text = f"{r['name_en']} ({r['name_zh']}), {r['unit']}." + (f" {note.group(1)}" if note else "")
        return f'{indent}meta: {{indicator: {code}{rest}}}\n{indent}description: "{text}"'

    return _INDICATOR_COLUMN.sub(described, text)


def write_dbt_sources() -> list[Path]:
    NORMALIZE_MACRO_PATH.write_text(normalize_macro(), encoding="utf-8")
    written = [NORMALIZE_MACRO_PATH]
    for path in sorted(MARTS_DIR.rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        if indicator_descriptions(text) != text:
            path.write_text(indicator_descriptions(text), encoding="utf-8")
            written.append(path)
    for domain in sorted({d.domain for d in load_catalog().values()}):
        path = dbt_sources_path(domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dbt_sources(domain), encoding="utf-8")
        written.append(path)
    return written
