"""Front-end files pinned in vendor/npm.json and fetched into vendor/npm/ by `make install`
(vendor/fetch.py): where a page generator finds them."""

import json
from pathlib import Path

HERE = Path(__file__).parent
NPM_DIR = HERE / "npm"


def packages() -> dict[str, dict]:
    return json.loads((HERE / "npm.json").read_text(encoding="utf-8"))["packages"]


def npm_file(package: str, path: str) -> Path:
    """vendor/npm/<package>/<path>, or a clear error when `make install` has not fetched it."""
    found = NPM_DIR / package / path
    if not found.exists():
        raise FileNotFoundError(f"{found} is missing: `make install` fetches vendor/npm.json's packages "
                                "(python vendor/fetch.py)")
    return found
