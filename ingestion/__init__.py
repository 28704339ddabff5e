"""Ingestion: the source catalog, connectors, parsers, raw landing and the local data portal.

Public surface used by orchestration: `load_catalog`, `HttpConnector`, `FileDropConnector`,
`land`, `serve_portal`.
"""

from .catalog import Dataset, load_catalog
from .connectors import FetchedFile, FetchError, FileDropConnector, HttpConnector
from .landing import LoadResult, land
from .parsers import LoadError
from .portal import serve_portal

__all__ = ["Dataset", "FetchError", "FetchedFile", "FileDropConnector", "HttpConnector",
           "LoadError", "LoadResult", "land", "load_catalog", "serve_portal"]
