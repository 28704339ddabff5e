"""dbt docs as one static page, Chinese first: dbt's own site (index.html) with the manifest
and catalog inlined as `dbt docs generate --static` does, but each published table's and
column's description as readers see it elsewhere (publishing.metadata: the Chinese name and
description, then the YAML's English), so the team's documentation and the published files
say the same thing."""

import copy
import hashlib
import json
from pathlib import Path

from .files import temp_path
from .metadata import MANIFEST_FILE, PUBLISHED_SCHEMA, TableDoc, read_manifest

MANIFEST_SLOT, CATALOG_SLOT = '"MANIFEST.JSON INLINE DATA"', '"CATALOG.JSON INLINE DATA"'


def docs_fingerprint(project_dir: Path) -> str:
    """What the page is made of: the dbt project's files (models and their YAML, macros,
    seeds, tests, the project file), dbt's version and this module; not the data, so a run
    that only brought new rows leaves the page as it is."""
    from dbt.version import __version__ as dbt_version

    digest = hashlib.sha256(Path(__file__).read_bytes() + dbt_version.encode())
    folders = [project_dir / folder for folder in ("models", "macros", "seeds", "tests")]
    files = [project_dir / "dbt_project.yml", project_dir / "selectors.yml",
             *(f for folder in folders for f in folder.rglob("*") if f.is_file())]
    for path in sorted(files):
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def write_dbt_docs(target: Path, docs: dict[str, TableDoc], out: Path) -> Path:
    """out/index.html from `dbt docs generate`'s target folder (index.html, the manifest,
    catalog.json) with the published models described Chinese first."""
    manifest = copy.deepcopy(read_manifest(target / MANIFEST_FILE))  # changed below; the cache is shared
    catalog_text = (target / "catalog.json").read_text(encoding="utf-8")
    catalog = json.loads(catalog_text)["nodes"]
    for uid, node in manifest["nodes"].items():
        doc = docs.get(node["name"])
        if node["resource_type"] != "model" or node["schema"] != PUBLISHED_SCHEMA or doc is None:
            continue
        node["description"] = doc.table_comment()
        for column in catalog.get(uid, {}).get("columns", {}):
            if comment := doc.comment(column):
                node["columns"].setdefault(column, {"name": column})["description"] = comment
    page = (target / "index.html").read_text(encoding="utf-8")
    page = page.replace(MANIFEST_SLOT, json.dumps(manifest)).replace(CATALOG_SLOT, catalog_text)
    index = out / "index.html"
    tmp = temp_path(index)
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(index)
    return index
