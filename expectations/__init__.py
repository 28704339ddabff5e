"""Data-quality gate: GX Core 1.x suites as code (built from the source catalog and the dbt
models' metadata), a small runner that validates a small pandas frame (a profile computed in
DuckDB, or a mart) and returns a plain,
recordable result, and the raw.dq_results history."""

from .history import record, stored_outcomes
from .raw_suites import prepare_raw_profile, raw_profile_sql, raw_suite
from .runner import Failure, ValidationOutcome, build_data_docs, suite_version, validate, validate_per_batch

__all__ = ["Failure", "ValidationOutcome", "build_data_docs", "prepare_raw_profile", "raw_profile_sql",
           "raw_suite", "record", "stored_outcomes", "suite_version", "validate", "validate_per_batch"]
