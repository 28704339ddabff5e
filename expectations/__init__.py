"""Data-quality gate: GX Core 1.x suites as code (built from the source catalog and the dbt
models' metadata), a small runner that validates a bounded pandas frame and returns a plain,
recordable result, and the raw.dq_results history."""

from .history import record, stored_outcomes
from .runner import Failure, ValidationOutcome, build_data_docs, suite_version, validate
from .suites import prepare_raw_frame, raw_suite

__all__ = ["Failure", "ValidationOutcome", "build_data_docs", "prepare_raw_frame", "raw_suite",
           "record", "stored_outcomes", "suite_version", "validate"]
