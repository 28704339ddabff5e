"""Connectors fetch bytes and nothing else: over HTTP with `requests`, or from a drop folder."""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import requests
import urllib3

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A source could not be fetched; the message says which, how often it was tried and why."""


@dataclass(frozen=True)
class FetchedFile:
    uri: str  # what the catalog names: the source's identity
    data: bytes
    fetched_at: datetime
    final_uri: str | None = None  # where the bytes came from, when redirects led elsewhere


@dataclass(frozen=True)
class HttpConnector:
    """GET a URL with bounded timeouts, retrying 429/5xx and connection failures with
    exponential backoff (honouring Retry-After up to `max_backoff`). `read_timeout` bounds
    each read; `deadline` bounds the whole body, so a server dripping bytes cannot hold a
    fetch (or a run) for ever."""

    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    deadline: float = 300.0
    # hosts (host[:port]) a redirect may lead to besides the URL's own; 5 redirects at most
    redirect_hosts: tuple[str, ...] = ()
    max_redirects: int = 5
    attempts: int = 4
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_bytes: int = 512 * 1024 * 1024
    headers: tuple[tuple[str, str], ...] = ()
    # files of a listing fetched at a time
    listing_workers: int = 4

    def _delay(self, attempt: int, response: requests.Response | None) -> float:
        delay = self.backoff * 2 ** (attempt - 1)
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after and retry_after.strip().isdigit():
            delay = float(retry_after)
        return min(delay, self.max_backoff)

    def fetch(self, dataset_id: str, url: str, token: str | None = None) -> FetchedFile:
        last = "no attempt made"
        with requests.Session() as session:
            session.headers.update(dict(self.headers))
            if token:
                session.headers["Authorization"] = f"Bearer {token}"
            for attempt in range(1, self.attempts + 1):
                response, started, body = None, time.monotonic(), None
                try:
                    response, final = self._get(session, dataset_id, url)
                    if response.status_code == 200:
                        body = self._body(dataset_id, url, response, started)
                # a body cut short or stalled mid-way (urllib3's errors: the body is read raw)
                # is retried like a failed connection
                except (requests.ConnectionError, requests.Timeout,
                        requests.exceptions.ChunkedEncodingError, urllib3.exceptions.HTTPError) as exc:
                    last = f"{type(exc).__name__}: {exc}"
                else:
                    if body is not None:
                        return FetchedFile(url, body, datetime.now(UTC), None if final == url else final)
                    last = f"HTTP {response.status_code} {response.reason}"
                    if response.status_code == 401:
                        sent = "a token" if token else "no token"
                        raise FetchError(f"{dataset_id}: {url}: HTTP 401: the source rejected "
                                         f"the credentials ({sent} sent; check BAZHONG_PORTAL_TOKEN)")
                    if response.status_code not in RETRY_STATUSES:
                        raise FetchError(f"{dataset_id}: {url}: {last} (not retried)")
                if attempt < self.attempts:
                    delay = self._delay(attempt, response)
                    log.warning("%s: %s: %s; retry %d/%d in %.1fs", dataset_id, url, last,
                                attempt, self.attempts - 1, delay)
                    time.sleep(delay)
        raise FetchError(f"{dataset_id}: {url}: failed after {self.attempts} attempts; last: {last}")

    def _get(self, session: requests.Session, dataset_id: str, url: str) -> tuple[requests.Response, str]:
        """GET, following redirects only to the URL's own host (or one in `redirect_hosts`);
        returns the response and the URL it came from."""
        home = urlsplit(url).netloc
        allowed = {home, *self.redirect_hosts}
        for _ in range(self.max_redirects + 1):
            # the token goes to the configured host only
            elsewhere = {"Authorization": None} if urlsplit(url).netloc != home else None
            response = session.get(url, timeout=(self.connect_timeout, self.read_timeout), stream=True,
                                   allow_redirects=False, headers=elsewhere)
            if not response.is_redirect:
                return response, url
            target = urljoin(url, response.headers["Location"])
            response.close()
            if urlsplit(target).netloc not in allowed:
                raise FetchError(f"{dataset_id}: {url}: redirected to another host "
                                 f"({urlsplit(target).netloc!r}); not followed. If the department "
                                 "really moved, set the new url, or add the host to the dataset's "
                                 "redirect_hosts in sources.yml")
            url = target
        raise FetchError(f"{dataset_id}: {url}: more than {self.max_redirects} redirects")

    def _body(self, dataset_id: str, url: str, response: requests.Response, started: float) -> bytes:
        """The whole body, within `max_bytes` and `deadline` (counted from the request)."""
        chunks, size = [], 0
        with response:
            # read1: what has arrived (up to 64 KiB), so a slow drip is seen between reads
            while chunk := response.raw.read1(1 << 16, decode_content=True):
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"{dataset_id}: {url}: response exceeds the {self.max_bytes}-byte "
                                     "limit; nothing was landed")
                if time.monotonic() - started > self.deadline:
                    raise FetchError(f"{dataset_id}: {url}: the body took longer than the "
                                     f"{self.deadline:g}-s deadline ({size} bytes received; "
                                     "fetch_deadline_seconds in sources.yml); nothing was landed")
                chunks.append(chunk)
        return b"".join(chunks)

    def fetch_pages(self, dataset_id: str, url: str, token: str | None = None,
                    page_size: int = 100, max_pages: int = 10_000) -> FetchedFile:
        """A paged JSON API (`?page=N&page_size=M`, answering {"data": {"items", "pages"}}):
        every page, stored as one document {"pages": [...]} so a load is all or nothing."""
        pages, page, fetched_at = [], 1, None
        while True:
            sep = "&" if "?" in url else "?"
            fetched = self.fetch(dataset_id, f"{url}{sep}page={page}&page_size={page_size}", token)
            fetched_at = fetched_at or fetched.fetched_at
            try:
                body = json.loads(fetched.data)
                total_pages = int(body["data"]["pages"])
            except (ValueError, KeyError, TypeError) as exc:
                raise FetchError(f"{dataset_id}: {url}: page {page} is not a paged API answer "
                                 f"({type(exc).__name__}: {exc})") from exc
            if total_pages > max_pages:  # never land a silently truncated answer
                raise FetchError(f"{dataset_id}: {url}: the API reports {total_pages} pages, "
                                 f"more than the {max_pages}-page limit; nothing was landed")
            pages.append(body)
            if page >= total_pages:
                break
            page += 1
        data = json.dumps({"pages": pages}, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return FetchedFile(url, data, fetched_at)

    def list_files(self, dataset_id: str, url: str, token: str | None = None) -> list[str]:
        """The relative paths an index ({"files": [...]}) lists; every one must stay under the
        index's own folder (no absolute URL or path, no '..'), or nothing is fetched."""
        index = self.fetch(dataset_id, url, token)
        try:
            names = [str(n) for n in json.loads(index.data)["files"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise FetchError(f"{dataset_id}: {url}: not a file index ({exc})") from exc
        outside = [n for n in names if not _stays_under_listing(n)]
        if outside:
            raise FetchError(f"{dataset_id}: {url}: {len(outside)} listed entr(y/ies) would leave the "
                             f"listing's folder, e.g. {outside[0][:60]!r}; nothing was fetched")
        return names

    def fetch_listing(self, dataset_id: str, url: str, token: str | None = None,
                      wanted: Callable[[str], bool] | None = None) -> Iterator[FetchedFile]:
        """An index ({"files": [relative paths]}) and then each file it lists (or each that
        `wanted` accepts), in the listed order: one load each. `listing_workers` files are
        fetched at a time (a feed is thousands of small files: one at a time, the round trips
        add up), and at most a few times that many wait, fetched, to be landed."""
        names = [n for n in self.list_files(dataset_id, url, token) if wanted is None or wanted(n)]
        base = url.rsplit("/", 1)[0]
        with ThreadPoolExecutor(max_workers=self.listing_workers) as pool:
            ahead: deque = deque()
            for name in names:
                ahead.append(pool.submit(self.fetch, dataset_id, f"{base}/{name}", token))
                if len(ahead) >= 4 * self.listing_workers:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()


def _stays_under_listing(name: str) -> bool:
    """A relative path below the listing: no scheme, host, absolute path, backslash, '..' or
    '.' segment, and none hidden behind percent-encoding."""
    decoded = unquote(name)
    if not name or decoded != unquote(decoded) or "\\" in decoded or decoded.startswith("/"):
        return False
    parts = urlsplit(decoded)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        return False
    return all(segment not in {"", ".", ".."} for segment in decoded.split("/"))


def drop_uri(path: Path) -> str:
    """A drop file's URI: its path as it reads (环境信息依法披露/…), not percent-encoded, so
    messages name it legibly (ingestion.loads.SOURCE_KEY decodes either form alike)."""
    return f"file://{path.resolve().as_posix()}"


@dataclass(frozen=True)
class FileDropConnector:
    """Every file matching `pattern` under `folder`, oldest name first; one load per file."""

    folder: Path

    def paths(self, pattern: str) -> list[Path]:
        return sorted(p for p in self.folder.glob(pattern) if p.is_file()) if self.folder.is_dir() else []

    def fetch_all(self, dataset_id: str, pattern: str, max_bytes: int | None = None) -> Iterator[FetchedFile]:
        """Each file's bytes; of a file over `max_bytes`, only the first max_bytes + 1 (landing
        then refuses it by its size without holding the rest in memory)."""
        if not self.folder.is_dir():
            log.info("%s: drop folder %s does not exist; nothing to land", dataset_id, self.folder)
            return
        for path in self.paths(pattern):
            with path.open("rb") as fh:
                data = fh.read(-1 if max_bytes is None else max_bytes + 1)
            yield FetchedFile(drop_uri(path), data, datetime.now(UTC))
