"""The local data portal: serves the bundled sample data over HTTP on loopback, so the default
run goes through the same `requests` path a department's real endpoint would.

    python -m ingestion.portal --port 8765 [--token T]

Files under sample_data/ are served as they are. Paths under /api/ are a paged REST API
(`/api/<name>?page=N&page_size=M` pages the records of sample_data/api/<name>.json) that
answers 401 unless the request carries `Authorization: Bearer <token>`, with the token it was
started with, as a department's open-data gateway would.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import secrets
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .catalog import SAMPLE_DATA_DIR

log = logging.getLogger(__name__)


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".csv": "text/csv", ".json": "application/json"}
    token: str | None = None

    def do_GET(self):
        url = urlsplit(self.path)
        if not url.path.startswith("/api/"):
            return super().do_GET()
        if not self.token or self.headers.get("Authorization") != f"Bearer {self.token}":
            return self._json(401, {"code": 401, "message": "invalid or missing token"})
        source = Path(self.directory) / "api" / f"{Path(url.path).name}.json"
        if not source.is_file():
            return self._json(404, {"code": 404, "message": "no such dataset"})
        query = parse_qs(url.query)
        try:
            page = max(1, int(query.get("page", ["1"])[0]))
            size = min(1000, max(1, int(query.get("page_size", ["100"])[0])))
        except ValueError:
            return self._json(400, {"code": 400, "message": "page and page_size are integers"})
        records = json.loads(source.read_text(encoding="utf-8"))
        pages = max(1, math.ceil(len(records) / size))
        items = records[(page - 1) * size: page * size]
        return self._json(200, {"code": 0, "message": "ok", "data": {
            "items": items, "page": page, "page_size": size, "pages": pages,
            "total": len(records)}})

    def _json(self, status: int, body: dict) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def list_directory(self, path):  # no directory listings: a portal serves datasets
        self.send_error(404, "Not found")

    def log_message(self, fmt, *args):
        log.debug("portal: " + fmt, *args)


def make_server(host: str = "127.0.0.1", port: int = 0, root: Path = SAMPLE_DATA_DIR,
                token: str | None = None) -> ThreadingHTTPServer:
    handler = type("PortalHandler", (_Handler,), {"token": token})
    return ThreadingHTTPServer((host, port), partial(handler, directory=str(root)))


@contextlib.contextmanager
def serve_portal(host: str = "127.0.0.1", port: int = 0, root: Path = SAMPLE_DATA_DIR,
                 token: str | None = None) -> Iterator[str]:
    """Serve in a background thread; yields the base URL (port 0 picks a free port)."""
    server = make_server(host, port, root, token)
    thread = threading.Thread(target=server.serve_forever, name="data-portal", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--root", type=Path, default=SAMPLE_DATA_DIR)
    parser.add_argument("--token", default=secrets.token_urlsafe(16),
                        help="the bearer token the API paths ask for (default: a new random one)")
    args = parser.parse_args()
    server = make_server(args.host, args.port, args.root, args.token)
    print(f"data portal serving {args.root} on http://{args.host}:{server.server_address[1]} "
          f"(token {args.token})")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
