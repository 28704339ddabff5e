"""`accept-load`: a reviewer releases a load the raw gate holds for review, with the reason
and the operator kept beside it."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime

import duckdb

from .runs import holding_the_folder
from .settings import Settings

# What a reviewer may release: the gate's rules that hold a plausible but unusual load (a
# shorter revision, a correction that changes a report a lot). Rows the contract quarantined
# or a broken accounting are never waved through: the rows say what is missing.
REVIEWABLE = {"rows_share_of_previous_vintage", "revision_figures_factor", "revision_items_dropped",
              "revision_amount_factor"}


def accept_load(settings: Settings, load_id: str, reason: str, operator: str | None = None) -> int:
    """Record a reviewer's acceptance of a load the raw gate holds for review (REVIEWABLE):
    its stored outcome becomes one warning carrying the reason and the operator, so later
    runs pass it and still show why and who. Anything else the gate found is refused."""
    reason = reason.strip()
    if not reason:
        print("accept-load needs --reason: why the load is right (kept with it)", file=sys.stderr)
        return 2
    operator = (operator or getpass.getuser()).strip()
    return holding_the_folder(settings, lambda: _accept_load(settings, load_id, reason, operator))


def _accept_load(settings: Settings, load_id: str, reason: str, operator: str) -> int:
    from expectations import Failure, ValidationOutcome, raw_suite, record, stored_outcomes, suite_version
    from ingestion import load_catalog

    with duckdb.connect(str(settings.warehouse_path)) as con:
        found = con.execute("SELECT dataset_id, rows_received FROM raw.load_log "
                            "WHERE load_id = ? AND status = 'landed'", [load_id]).fetchone()
        if not found:
            print(f"no landed load {load_id!r} in raw.load_log", file=sys.stderr)
            return 2
        dataset_id, rows = found
        suite = raw_suite(load_catalog()[dataset_id])
        version = suite_version(suite)
        stored = stored_outcomes(con, suite.name, version, [load_id]).get(load_id)
        held = [f for f in stored.errors if f.column in REVIEWABLE] if stored else []
        refused = [f for f in stored.errors if f.column not in REVIEWABLE] if stored else []
        if refused:
            print(f"{dataset_id}: load {load_id} cannot be accepted: the gate stopped it for "
                  f"{'; '.join(f.describe() for f in refused)}. Quarantined rows (raw.quarantine) say "
                  "what is missing: correct the source and land the file again", file=sys.stderr)
            return 2
        if stored is None or not held:
            why = "it has not been validated yet; run first" if stored is None else "nothing to accept"
            print(f"{dataset_id}: load {load_id} is not held for review by the current gate "
                  f"(suite {suite.name} {version}): {why}", file=sys.stderr)
            return 2
        accepted = Failure(
            expectation="accepted_by_review", column=", ".join(f.column for f in held if f.column),
            severity="warning", unexpected_count=None, batch=load_id,
            examples=[{"reason": reason, "operator": operator,
                       "accepted_at": datetime.now(UTC).isoformat(timespec="seconds"),
                       "held_for": [f.describe() for f in held]}])
        record(con, run_id=None, asset_key=f"raw/{dataset_id}", check_name="gx_raw_suite",
               version=version, outcomes={load_id: (rows, ValidationOutcome(
                   suite.name, stored.evaluated, [*stored.warnings, accepted]))})
    print(f"{dataset_id}: load {load_id} accepted by {operator} ({reason}); the next run passes it "
          "with a warning")
    return 0
