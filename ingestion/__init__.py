"""Ingestion: the source and indicator catalogues, connectors, parsers, raw landing, the load
log and the local data portal. Other packages use only the names exported here (the
import-linter contract `ingestion-public` holds them to it)."""

from .catalog import (
    SAMPLE_DATA_DIR,
    SEEDS_DIR,
    CatalogError,
    Dataset,
    load_catalog,
    load_update_cycles,
)
from .connectors import FetchedFile, FetchError, FileDropConnector, HttpConnector, drop_uri
from .contract import rule_severity
from .freshness import dataset_freshness
from .indicators import load_indicators
from .landing import land_batch, land_batches
from .loads import LoadResult, landed_loads_sql, latest_loads_sql, log_fetch_failure, quarantined_by_rule
from .parsers import MAX_FILE_BYTES, LoadError
from .portal import serve_portal
from .raw_files import point_views
from .raw_schema import raw_columns
from .reference import CITY_CODE, typed_unit
from .sample_data import install_sample_drops

__all__ = ["CITY_CODE", "MAX_FILE_BYTES", "SAMPLE_DATA_DIR", "SEEDS_DIR", "CatalogError", "Dataset",
           "FetchError", "FetchedFile", "FileDropConnector", "HttpConnector", "LoadError", "LoadResult",
           "dataset_freshness", "drop_uri", "install_sample_drops", "land_batch", "land_batches",
           "landed_loads_sql", "latest_loads_sql", "load_catalog", "load_indicators",
           "load_update_cycles", "log_fetch_failure", "point_views", "quarantined_by_rule", "raw_columns",
           "rule_severity", "serve_portal", "typed_unit"]
