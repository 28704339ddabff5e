"""What the load log says about a dataset's loads, written once for landing, the raw gate and
its profile: which loads landed, the newest of each source file (exactly the batches
downstream reads), the vintages of a source, and the quarantine of a load by rule."""

from typing import Any

import duckdb

# A source file's identity across fetches: its URI's path (the host and port of the portal
# change between runs and test servers)
SOURCE_KEY = "url_decode(regexp_replace(source_uri, '^[a-z]+://[^/]*', ''))"


def landed_loads_sql(dataset_id: str) -> str:
    """Every landed load of the dataset (raw.load_log rows), with its source key as `source`."""
    return (f"SELECT *, {SOURCE_KEY} AS source FROM raw.load_log "
            f"WHERE dataset_id = '{dataset_id}' AND status = 'landed'")


def latest_loads_sql(dataset_id: str) -> str:
    """The newest landed load of each source file of the dataset: the vintage staging keeps."""
    return (f"{landed_loads_sql(dataset_id)} "
            "QUALIFY row_number() OVER (PARTITION BY source ORDER BY fetched_at DESC, load_id DESC) = 1")


def quarantined_by_rule(con: duckdb.DuckDBPyConnection,
                        load_ids: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Load id → (rule, field, rows or cells, first messages) of its quarantine, for the loads
    given (one query however many)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for load_id, *rest in con.execute("""
        SELECT load_id, rule, any_value(field ORDER BY row_number), count(*),
               list(message ORDER BY row_number)[:5]
        FROM raw.quarantine WHERE load_id IN (SELECT unnest($load_ids::VARCHAR[])) GROUP BY ALL ORDER BY ALL
    """, {"load_ids": load_ids}).fetchall():
        found.setdefault(load_id, []).append(tuple(rest))
    return found
