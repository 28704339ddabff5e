"""Ingestion: the source catalog, connectors, parsers, raw landing and the local data portal.

Public surface used by orchestration: `load_catalog`, `HttpConnector`, `FileDropConnector`,
`land`, `serve_portal`, `point_views` (raw views over Parquet files).
"""

from .catalog import Dataset, load_catalog
from .connectors import FetchedFile, FetchError, FileDropConnector, HttpConnector
from .landing import LoadResult, land
from .parsers import LoadError
from .portal import serve_portal
from .raw_files import point_views

__all__ = ["Dataset", "FetchError", "FetchedFile", "FileDropConnector", "HttpConnector",
           "LoadError", "LoadResult", "land", "load_catalog", "point_views", "serve_portal"]
