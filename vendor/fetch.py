"""Fetch the front-end files of vendor/npm.json from the npm registry into vendor/npm/:
each package's tarball at its pinned version, checked against its sha512 integrity, and only
the files listed extracted (vendor/npm/<package>/<file>). Run by `make install`; standard
library only, so it runs before anything else is installed.

    python vendor/fetch.py   # idempotent: a package already extracted at its version is kept"""

import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
MANIFEST = HERE / "npm.json"
TARGET = HERE / "npm"
REGISTRY = "https://registry.npmjs.org"


def tarball_url(name: str, version: str) -> str:
    return f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"


def fetch(name: str, spec: dict) -> None:
    folder = TARGET / name
    stamp = folder / ".version"
    if stamp.exists() and stamp.read_text() == json.dumps(spec, sort_keys=True):
        return
    url = tarball_url(name, spec["version"])
    print(f"vendor: {name}@{spec['version']} from {url}")
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
    algorithm, expected = spec["integrity"].split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, body).digest()).decode()
    if actual != expected:
        sys.exit(f"vendor: {name}@{spec['version']}: integrity mismatch ({algorithm} {actual}, "
                 f"vendor/npm.json says {expected})")
    shutil.rmtree(folder, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        for member in tar.getmembers():
            path = member.name.removeprefix("package/")
            if member.isfile() and any(path == f or (f.endswith("/") and path.startswith(f))
                                       for f in spec["files"]):
                out = folder / path
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(tar.extractfile(member).read())
    missing = [f for f in spec["files"] if not (folder / f).exists()]
    if missing:
        sys.exit(f"vendor: {name}@{spec['version']} has no {', '.join(missing)}")
    stamp.write_text(json.dumps(spec, sort_keys=True))


def main() -> None:
    for name, spec in json.loads(MANIFEST.read_text(encoding="utf-8"))["packages"].items():
        fetch(name, spec)


if __name__ == "__main__":
    main()
