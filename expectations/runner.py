"""Validate a bounded pandas frame against a suite and return a plain result the orchestrator
records. GX has no DuckDB/Polars engine that works (DESIGN.md, pitfalls): callers hand over
pandas frames of bounded size."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # never phone home, even if run directly

import great_expectations as gx  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str | None
    severity: str  # critical | warning | info
    unexpected_count: int | None
    examples: list
    batch: str = ""  # which batch (load) failed

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
def _context():
    context = gx.get_context(mode="ephemeral")
    # No tqdm bars: they flood Dagster's captured logs; results carry the detail.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def validate(frame, suite: gx.ExpectationSuite, batch_name: str = "") -> ValidationOutcome:
    """Run `suite` on a pandas frame. Never raises on failed expectations: it reports them."""
    context = _context()
    name = suite.name
    try:
        validation = context.validation_definitions.get(name)
    except Exception:  # first use in this process: register datasource, asset, suite
        source = context.data_sources.add_or_update_pandas(name)
        batch_definition = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
        suite = context.suites.add_or_update(suite)
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suite))
    result = validation.run(batch_parameters={"dataframe": frame})
    outcome = ValidationOutcome(suite=name, evaluated=len(result.results))
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        details = r.result or {}
        severity = getattr(getattr(cfg, "severity", None), "value", None) or "critical"
        if r.exception_info and r.exception_info.get("raised_exception"):
            details = {"partial_unexpected_list": [r.exception_info.get("exception_message")]}
        outcome.failures.append(Failure(
            expectation=cfg.type,
            column=cfg.kwargs.get("column") or ",".join(cfg.kwargs.get("column_list", []) or []) or None,
            severity=severity,
            unexpected_count=details.get("unexpected_count"),
            examples=list(details.get("partial_unexpected_list") or details.get("details", {})
                          .get("mismatched", []) or [])[:10],
            batch=batch_name,
        ))
    return outcome
