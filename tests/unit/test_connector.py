"""HTTP connector against a real loopback server (pytest-httpserver): retries and errors."""

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ingestion import FetchError, HttpConnector

FAST = HttpConnector(attempts=3, backoff=0.01, connect_timeout=2, read_timeout=2)


def test_retries_a_503_then_succeeds(httpserver):
    httpserver.expect_ordered_request("/data.csv").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/data.csv").respond_with_data("年份\n2024\n", status=200)
    fetched = FAST.fetch("demo", httpserver.url_for("/data.csv"))
    assert fetched.data == "年份\n2024\n".encode()
    assert len(httpserver.log) == 2


def test_429_honours_retry_after(httpserver):
    httpserver.expect_ordered_request("/d").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "1"}))
    httpserver.expect_ordered_request("/d").respond_with_data("ok")
    started = time.monotonic()
    assert FAST.fetch("demo", httpserver.url_for("/d")).data == b"ok"
    assert time.monotonic() - started >= 1.0


def test_fails_with_a_clear_message_after_the_last_try(httpserver):
    httpserver.expect_request("/data.csv").respond_with_data("down", status=503)
    with pytest.raises(FetchError) as err:
        FAST.fetch("waste_demo", httpserver.url_for("/data.csv"))
    message = str(err.value)
    assert "waste_demo" in message and "/data.csv" in message
    assert "failed after 3 attempts" in message and "503" in message
    assert len(httpserver.log) == 3


def test_client_errors_are_not_retried(httpserver):
    httpserver.expect_request("/missing.csv").respond_with_data("no", status=404)
    with pytest.raises(FetchError, match="HTTP 404.*not retried"):
        FAST.fetch("demo", httpserver.url_for("/missing.csv"))
    assert len(httpserver.log) == 1


def test_401_is_reported_as_a_credentials_problem(httpserver):
    httpserver.expect_request("/secret").respond_with_data("no", status=401)
    with pytest.raises(FetchError, match="401.*credentials"):
        FAST.fetch("demo", httpserver.url_for("/secret"))


def test_read_timeout_is_bounded_and_retried(httpserver):
    def slow(_request):
        time.sleep(1.5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    connector = HttpConnector(attempts=2, backoff=0.01, connect_timeout=1, read_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(FetchError, match="ReadTimeout"):
        connector.fetch("demo", httpserver.url_for("/slow"))
    assert time.monotonic() - started < 10


def test_connection_refused_is_retried_then_reported():
    with pytest.raises(FetchError, match="failed after 3 attempts.*ConnectionError"):
        FAST.fetch("demo", "http://127.0.0.1:9/nothing-listens-here")


@contextlib.contextmanager
def serving(send_body) -> Iterator[str]:
    """A loopback server whose GET promises a 20-byte body and sends it with `send_body(wfile)`
    (pytest-httpserver cannot drip or cut a body); yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "20")
            self.end_headers()
            send_body(self.wfile)
            self.close_connection = True

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def drip(wfile):  # one byte every 0.2 s: each read is quick, the whole is slow
    for _ in range(20):
        wfile.write(b"x")
        wfile.flush()
        time.sleep(0.2)


def test_a_server_dripping_bytes_meets_the_overall_deadline():
    with serving(drip) as base:
        url = f"{base}/slow.csv"
        connector = HttpConnector(attempts=1, connect_timeout=1, read_timeout=1, deadline=1.0)
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"slow\.csv: the body took longer than the 1-s deadline"):
            connector.fetch("demo", url)
        assert time.monotonic() - started < 2.5  # not the 4 s the whole drip takes
        assert HttpConnector(attempts=1, read_timeout=1, deadline=10).fetch("demo", url).data == b"x" * 20


def test_a_body_cut_short_is_retried_then_reported_with_the_url():
    with serving(lambda wfile: wfile.write(b"12345")) as base, \
            pytest.raises(FetchError, match=r"demo: .*short\.csv: failed after 3 attempts; last: \w+"):
        FAST.fetch("demo", f"{base}/short.csv")


def test_every_dataset_has_a_fetch_deadline_from_the_catalog():
    from ingestion import load_catalog

    assert all(0 < ds.fetch_deadline <= 3600 for ds in load_catalog().values())


def test_a_redirect_is_followed_within_the_host_and_the_final_url_recorded(httpserver):
    httpserver.expect_request("/old/data.csv").respond_with_data(
        "", status=302, headers={"Location": "/new/data.csv"})
    httpserver.expect_request("/new/data.csv").respond_with_data("x\n1\n")
    fetched = FAST.fetch("demo", httpserver.url_for("/old/data.csv"), token="t")
    assert fetched.data == b"x\n1\n"
    assert fetched.uri.endswith("/old/data.csv") and fetched.final_uri.endswith("/new/data.csv")


def test_a_redirect_to_another_host_is_not_followed_unless_the_catalog_allows_it(httpserver):
    other = HTTPServer(host="127.0.0.1", port=0)
    other.start()
    try:
        other.expect_request("/data.csv").respond_with_data("x\n2\n")
        target = other.url_for("/data.csv")
        httpserver.expect_request("/data.csv").respond_with_data("", status=301, headers={"Location": target})
        with pytest.raises(FetchError, match=r"redirected to another host .*redirect_hosts"):
            FAST.fetch("demo", httpserver.url_for("/data.csv"), token="secret")
        assert other.log == []  # nothing was asked of the other host
        allowed = HttpConnector(attempts=1, redirect_hosts=(f"127.0.0.1:{other.port}",))
        fetched = allowed.fetch("demo", httpserver.url_for("/data.csv"), token="secret")
        assert fetched.data == b"x\n2\n" and fetched.final_uri == target
        (request, _), = other.log
        assert "Authorization" not in request.headers  # the token stays with the configured host
    finally:
        other.stop()
