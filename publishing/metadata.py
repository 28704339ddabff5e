"""Table and column descriptions of the published tables, read from the dbt manifest (the
models' YAML): the one source for the Parquet field metadata, the catalog and the docs."""

import json
from dataclasses import dataclass, field
from pathlib import Path

PUBLISHED_SCHEMA = "marts"


@dataclass(frozen=True)
class TableDoc:
    name: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)  # column → description
    indicators: dict[str, str] = field(default_factory=dict)  # column → indicator_code
    path: str = ""  # the model's file in the dbt project


def table_docs(manifest_path: Path) -> dict[str, TableDoc]:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    docs = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["schema"] != PUBLISHED_SCHEMA:
            continue
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
