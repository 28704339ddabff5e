"""The local data portal: serves the bundled sample data over HTTP on loopback, so the default
run goes through the same `requests` path a department's real endpoint would.

    python -m ingestion.portal --port 8765
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .catalog import SAMPLE_DATA_DIR

log = logging.getLogger(__name__)


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".csv": "text/csv", ".json": "application/json"}

    def list_directory(self, path):  # no directory listings: a portal serves datasets
        self.send_error(404, "Not found")

    def log_message(self, fmt, *args):
        log.debug("portal: " + fmt, *args)


def make_server(host: str = "127.0.0.1", port: int = 0,
                root: Path = SAMPLE_DATA_DIR) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), partial(_Handler, directory=str(root)))


@contextlib.contextmanager
def serve_portal(host: str = "127.0.0.1", port: int = 0,
                 root: Path = SAMPLE_DATA_DIR) -> Iterator[str]:
    """Serve in a background thread; yields the base URL (port 0 picks a free port)."""
    server = make_server(host, port, root)
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
    args = parser.parse_args()
    server = make_server(args.host, args.port, args.root)
    print(f"data portal serving {args.root} on http://{args.host}:{server.server_address[1]}")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
