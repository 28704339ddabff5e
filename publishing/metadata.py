"""The dbt manifest, read here and nowhere else, and what is taken from it: table and column
descriptions of the published tables (the models' YAML), the one source for the Parquet field
metadata, the catalog and the docs. Orchestration reads the manifest through `read_manifest`."""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PUBLISHED_SCHEMA = "marts"


@dataclass(frozen=True)
class TableDoc:
    name: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)  # column → description
    indicators: dict[str, str] = field(default_factory=dict)  # column → indicator_code
    path: str = ""  # the model's file in the dbt project


def read_manifest(manifest_path: Path) -> dict:
    """The parsed manifest, once per file version (`make` re-parses when a model changes)."""
    return _read(Path(manifest_path), Path(manifest_path).stat().st_mtime_ns)


@cache
def _read(path: Path, mtime_ns: int) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def model_nodes(manifest_path: Path, schema: str) -> dict[str, dict]:
    """Model name → manifest node, for every model of `schema`."""
    return {n["name"]: n for n in read_manifest(manifest_path)["nodes"].values()
            if n["resource_type"] == "model" and n["schema"] == schema}


def table_docs(manifest_path: Path) -> dict[str, TableDoc]:
    docs = {}
    for node in model_nodes(manifest_path, PUBLISHED_SCHEMA).values():
        cols = node["columns"]
        docs[node["name"]] = TableDoc(
            name=node["name"],
            description=" ".join(node["description"].split()),
            columns={c: " ".join(v.get("description", "").split()) for c, v in cols.items()},
            indicators={c: v["meta"]["indicator"] for c, v in cols.items()
                        if v.get("meta", {}).get("indicator")},
            path=node["original_file_path"],
        )
    return docs
