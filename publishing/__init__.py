"""Publishing for analysts and BI tools: everything here reads the published DuckDB snapshot
(never the working warehouse) and the dbt manifest (the one place tables and columns are
described), and replaces its output atomically so a reader never sees half a file."""

from .catalog import write_catalog
from .dashboard import write_dashboard
from .exports import write_exports, write_sdmx_csv
from .files import replace_dir
from .metadata import TableDoc, model_nodes, read_manifest, table_docs
from .snapshot import SNAPSHOT_NAME, write_snapshot

__all__ = ["SNAPSHOT_NAME", "TableDoc", "model_nodes", "read_manifest", "replace_dir", "table_docs",
           "write_catalog", "write_dashboard", "write_exports", "write_sdmx_csv", "write_snapshot"]
