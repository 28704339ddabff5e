"""Publishing for analysts and BI tools: everything here reads the published DuckDB snapshot
(never the working warehouse) and the dbt manifest (the one place tables and columns are
described), and replaces its output atomically so a reader never sees half a file."""

from .browse import write_browse
from .catalog import write_catalogues
from .dashboard import write_dashboard
from .exchange import ExchangeError, ExchangeRelease, load_consumers, publish_exchange
from .exchange_audit import audit_report, format_report
from .exports import write_exports
from .files import replace_dir
from .metadata import (
    TableDoc,
    department_codes,
    domain_names,
    model_nodes,
    plan_catalogue,
    read_manifest,
    relation_columns,
    table_docs,
    tests_on,
)
from .sdmx_dataflow import write_sdmx
from .snapshot import SNAPSHOT_NAME, write_snapshot
from .tiers import TIER_BY_NAME, TIERS, Tier

__all__ = ["SNAPSHOT_NAME", "TIERS", "TIER_BY_NAME", "ExchangeError", "ExchangeRelease", "TableDoc", "Tier",
           "audit_report", "department_codes", "domain_names", "format_report", "load_consumers",
           "model_nodes", "plan_catalogue", "publish_exchange", "read_manifest", "relation_columns",
           "replace_dir", "table_docs", "tests_on", "write_browse", "write_catalogues", "write_dashboard",
           "write_exports", "write_sdmx", "write_snapshot"]
