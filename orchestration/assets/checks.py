"""What a GX outcome looks like in Dagster: one AssetCheckResult, errors block, warnings do not."""

import dagster as dg

from expectations import ValidationOutcome


def check_result(outcome: ValidationOutcome, metadata: dict, **key) -> dg.AssetCheckResult:
    """`key`: asset_key and check_name, needed when one op yields several checks."""
    severity = dg.AssetCheckSeverity.ERROR if outcome.errors else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        **key,
        passed=not outcome.failures,
        severity=severity,
        description="; ".join(f.describe() for f in outcome.errors + outcome.warnings) or None,
        metadata={"suite": outcome.suite, **metadata,
                  "expectations_evaluated": outcome.evaluated,
                  "errors": len(outcome.errors), "warnings": len(outcome.warnings),
                  "failures": [f.describe() for f in outcome.failures],
                  "history": "raw.dq_results"},
    )
