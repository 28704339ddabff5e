"""GX suites on every table of the marts schema, as blocking Dagster asset checks: an error
stops the publish step, so a wrong number never reaches a BI tool; warnings are recorded.

One op checks all marts (they are small, and one op keeps Dagster's per-step start-up cost
off the run); each mart still gets its own check in the UI and its own row in raw.dq_results.
"""

from pathlib import Path

import dagster as dg

from expectations import record, suite_version, validate
from expectations.mart_suites import mart_suite, prepare_mart_frame
from publishing import model_nodes

from ..resources import WRITER_POOL, WarehouseResource
from .checks import check_result

CHECK_NAME = "gx_mart_suite"


def build_mart_checks(mart_keys: list[dg.AssetKey], manifest_path: Path,
                      gx_root: Path) -> dg.AssetChecksDefinition:
    nodes = model_nodes(manifest_path, "marts")
    keys = {key: nodes[key.path[-1]] for key in mart_keys}

    @dg.multi_asset_check(
        name="gx_mart_suites",
        specs=[dg.AssetCheckSpec(
            CHECK_NAME, asset=key, blocking=True,
            description=f"Great Expectations suite mart__{node['name']} from the model's YAML "
                        "and the indicator catalog: shares within 0–100, quantities not "
                        "negative, numerator ≤ denominator (errors); year-over-year jumps and "
                        "a county missing from a year (warnings).")
            for key, node in keys.items()],
        pool=WRITER_POOL,  # writes raw.dq_results
        can_subset=True,  # a run that builds some marts checks those
    )
    def _checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        selected = {check.asset_key for check in context.selected_asset_check_keys}
        with warehouse.connect() as con:
            for key, node in keys.items():
                if key not in selected:
                    continue
                suite = mart_suite(node)
                frame = con.execute(f'SELECT * FROM marts."{node["name"]}"').df()
                outcome = validate(prepare_mart_frame(node, frame), suite, gx_root,
                                   run_name=context.op_execution_context.run_id)
                record(con, run_id=context.op_execution_context.run_id,
                       asset_key=key.to_user_string(), check_name=CHECK_NAME,
                       version=suite_version(suite), outcomes={"all": (len(frame), outcome)})
                yield check_result(outcome, {"rows_validated": len(frame)},
                                   asset_key=key, check_name=CHECK_NAME)

    return _checks
