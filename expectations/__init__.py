"""Data-quality gate: GX Core 1.x suites as code (built from the source catalog) and a small
runner that validates a bounded pandas frame and returns a plain, recordable result."""

from .runner import Failure, ValidationOutcome, validate
from .suites import prepare_raw_frame, raw_suite

__all__ = ["Failure", "ValidationOutcome", "prepare_raw_frame", "raw_suite", "validate"]
