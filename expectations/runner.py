"""Validate a bounded pandas frame against a suite and return a plain result the orchestrator
records. GX has no DuckDB/Polars engine that works (DESIGN.md, pitfalls): callers hand over
pandas frames of bounded size."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import warnings
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # never phone home, even if run directly
# GX imports pyspark when it is installed (the Spark tier), which warns about pandas 3 on every
# run; nothing here hands pandas to Spark
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

import great_expectations as gx  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

import vendor  # noqa: E402


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str | None
    severity: str  # critical | warning | info
    unexpected_count: int | None
    examples: list
    batch: str = ""  # which batch (load) failed

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        count = f": {self.unexpected_count} unexpected" if self.unexpected_count else ""
        ex = f", e.g. {self.examples[:5]}" if self.examples else ""
        batch = f" [{self.batch}]" if self.batch else ""
        return f"{self.severity}: {self.expectation}{where}{count}{ex}{batch}"


@dataclass
class ValidationOutcome:
    suite: str
    evaluated: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def errors(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == "critical"]

    @property
    def warnings(self) -> list[Failure]:
        return [f for f in self.failures if f.severity != "critical"]

    @property
    def passed(self) -> bool:
        return not self.errors

    def merge(self, other: ValidationOutcome) -> ValidationOutcome:
        return ValidationOutcome(self.suite, self.evaluated + other.evaluated,
                                 self.failures + other.failures)


@cache
def _context(root: str):
    """A file-backed GX context under `root` (the data folder): suites and validation results
    are kept there between runs, and Data Docs are built from them."""
    context = gx.get_context(mode="file", project_root_dir=root)
    if context.variables.analytics_enabled is not False or context.variables.progress_bars is None:
        context.variables.analytics_enabled = False  # never phone home
        # No tqdm bars: they flood Dagster's captured logs; results carry the detail.
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.variables.save()
    return context


def forget_contexts() -> None:
    """Drop the GX contexts (and registered validations) this process holds, for when their
    folders were replaced underneath it (tests copy a data folder over an earlier copy)."""
    _context.cache_clear()
    _registered.clear()


def suite_version(suite: gx.ExpectationSuite) -> str:
    """Changes whenever a rule changes, so stored results of an older suite are not reused."""
    rules = sorted(json.dumps(e.configuration.to_json_dict(), sort_keys=True, default=str)
                   for e in suite.expectations)
    return hashlib.sha256("\n".join([suite.name, *rules]).encode()).hexdigest()[:16]


_registered: dict[tuple[str, str], gx.ValidationDefinition] = {}


def _validation(root: str, suite: gx.ExpectationSuite) -> gx.ValidationDefinition:
    # once per process and suite version: (re)register the suite, a dataframe asset for it,
    # and the validation definition that ties them together
    key = (root, suite_version(suite))
    if key in _registered:
        return _registered[key]
    name = suite.name
    context = _context(root)
    suite = context.suites.add_or_update(gx.ExpectationSuite(
        name=name, expectations=[e.copy() for e in suite.expectations], meta=suite.meta))
    try:  # never add_or_update: that empties the source of the other suites' assets
        source = context.data_sources.get("frames")
    except KeyError:
        source = context.data_sources.add_pandas("frames")
    try:
        asset = source.get_asset(name)
    except LookupError:
        asset = source.add_dataframe_asset(name)
    try:
        batch = asset.get_batch_definition(name)
    except KeyError:
        batch = asset.add_batch_definition_whole_dataframe(name)
    _registered[key] = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch, suite=suite))
    return _registered[key]


def validate(frame, suite: gx.ExpectationSuite, root: str | Path,
             batch_name: str = "", run_name: str | None = None) -> ValidationOutcome:
    """Run `suite` on a pandas frame. Never raises on failed expectations: it reports them.
    The result is also stored in the GX context under `root` for Data Docs, named `run_name`
    (the Dagster run id: a validation in Data Docs leads to its run)."""
    outcomes, evaluated = _run(frame, suite, root, "SUMMARY", run_name,
                               lambda failure, _: [(batch_name, replace(failure, batch=batch_name))])
    return outcomes.get(batch_name, ValidationOutcome(suite.name, evaluated))


def validate_per_batch(frame, suite: gx.ExpectationSuite, root: str | Path, column: str,
                       batches: list[str], run_name: str | None = None) -> dict[str, ValidationOutcome]:
    """Run `suite` once on a frame of one row per batch (a profile, e.g. one per raw load) and
    split the findings by the batch in `column`: one outcome per batch, failing rows named."""
    def split(failure: Failure, details: dict) -> list[tuple[str, Failure]]:
        rows = details.get("unexpected_index_list") or []
        if not rows:  # a table-level finding (a missing column) concerns every batch
            return [(b, replace(failure, batch=b)) for b in batches]
        return [(row[column], replace(failure, batch=row[column], unexpected_count=1,
                                      examples=_plain([{k: v for k, v in row.items() if k != column}])))
                for row in rows]
    outcomes, evaluated = _run(frame, suite, root, "COMPLETE", run_name, split)
    return {b: outcomes.get(b, ValidationOutcome(suite.name, evaluated)) for b in batches}


def _run(frame, suite, root, result_format: str, run_name: str | None,
         split) -> tuple[dict[str, ValidationOutcome], int]:
    validation = _validation(str(root), suite)
    # name the failing rows by the suite's index columns (_row_number; region_code, year; load_id)
    index = [c for c in suite.meta.get("index_columns", []) if c in frame.columns]
    # GX's pandas engine filters the whole frame for every expectation: hand it only the
    # columns the suite reads
    read = set(index).union(*(_columns_read(e.configuration.kwargs) for e in suite.expectations))
    frame = frame[[c for c in frame.columns if c in read]]
    result = validation.run(batch_parameters={"dataframe": frame}, result_format={
        "result_format": result_format, "unexpected_index_column_names": index},
        run_id=RunIdentifier(run_name=run_name) if run_name else None)
    evaluated = len(result.results)
    outcomes: dict[str, ValidationOutcome] = {}
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        assert cfg is not None  # a result always carries its expectation
        details = r.result or {}
        severity = getattr(getattr(cfg, "severity", None), "value", None) or "critical"
        if r.exception_info and r.exception_info.get("raised_exception"):
            details = {"partial_unexpected_list": [r.exception_info.get("exception_message")]}
        failure = Failure(
            expectation=cfg.type,
            column=_columns(cfg.type, cfg.kwargs),
            severity=severity,
            unexpected_count=details.get("unexpected_count"),
            examples=_plain(list(details.get("partial_unexpected_index_list")
                                 or details.get("partial_unexpected_list")
                                 or details.get("details", {}).get("mismatched", []) or [])[:10]),
        )
        for batch, found in split(failure, details):
            outcomes.setdefault(batch, ValidationOutcome(suite.name, evaluated)).failures.append(found)
    return outcomes, evaluated


def _columns_read(kwargs: dict) -> set[str]:
    named = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B"),
             *(kwargs.get("column_list") or [])]
    return {c for c in named if c}


def _columns(expectation: str, kwargs: dict) -> str | None:
    if "column_A" in kwargs:
        relation = "=" if expectation.endswith("_to_be_equal") else "≥"
        return f"{kwargs['column_A']} {relation} {kwargs['column_B']}"
    return kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or None


def _plain(values: list) -> list:
    """JSON-safe examples (numpy scalars as numbers, timestamps as text) for metadata and dq_results."""
    return json.loads(json.dumps(values, default=lambda v: v.item() if hasattr(v, "item") else str(v)))


def build_data_docs(root: str | Path) -> Path:
    """Render GX Data Docs for every stored suite and validation result; returns the folder,
    made to work offline (offline_data_docs)."""
    sites = _context(str(root)).build_data_docs()
    site = Path(sites["local_site"].removeprefix("file://")).parent
    offline_data_docs(site)
    return site


# GX's logo is loaded from its web-assets bucket with the data context's id in the query
# string (a beacon): the site's own copy of the logo stands in.
SRI_ATTRIBUTES = re.compile(r'\s(?:integrity|crossorigin)="[^"]*"')
GX_WEB_ASSET = re.compile(r"https://great-expectations-web-assets\.s3[^\"' )]*")


def offline_data_docs(site: Path) -> None:
    """Point every page's styles, scripts and fonts at copies in site/static/vendor/ (the
    pinned npm files of vendor/npm.json) instead of CDNs, and the GX logo at the site's own:
    the docs then render the same offline, and viewing them calls no one."""
    static = site / "static" / "vendor"
    shutil.rmtree(static, ignore_errors=True)
    local = {}
    for name, spec in vendor.packages().items():
        urls = {url: static / name / path for path, url in spec["files"].items() if url}
        for path in spec["files"] if urls else []:
            source = vendor.npm_file(name, path)
            if source.is_dir():
                shutil.copytree(source, static / name / path)
            else:
                (static / name / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, static / name / path)
        local.update(urls)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for url, path in local.items():
            html = html.replace(f'"{url}"', f'"{os.path.relpath(path, page.parent)}"')
        logo = os.path.relpath(site / "static" / "images" / "logo-long.png", page.parent)
        # the CDN tags' subresource-integrity and CORS attributes: a page opened from disk
        # (origin null) may not load a local script marked crossorigin
        html = SRI_ATTRIBUTES.sub("", GX_WEB_ASSET.sub(logo, html))
        page.write_text(html, encoding="utf-8")
