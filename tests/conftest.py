"""Shared by every tier: tests reach nothing but this machine.

Tiers: tests/unit (no graph run), tests/integration (one clean run of the whole graph per
session, shared; tests that change data work on a copy of it), tests/bench (the benchmark's
smoke test). `make test` runs all three in two processes (pytest-xdist), longest test first."""

import ipaddress
import socket
import sys

import pytest

# An xdist worker runs as `python -c`, which pyspark (imported by GX when present) takes for its
# own doctest run, and exits. It also accepts an interactive session: GX is imported once here
# as in one. (Not a fake __main__.__file__: processes spawned by the landing workers would run it.)
if not hasattr(sys.modules["__main__"], "__file__") and not hasattr(sys, "ps1"):
    sys.ps1 = ">>> "
    try:
        import great_expectations  # noqa: F401
    finally:
        del sys.ps1

# `make test` runs two workers (`-n 2`), scheduled by `WholeGraphFirst` below: the Spark cluster
# test (~4 min, most of it waiting on the cluster, over the hourly paths it runs alone) starts
# first on one; the rest of the integration tier reads the whole graph's run (`published`,
# `pipeline`), so it is one unit of work on the other, which builds that run once; unit tests,
# the bench smoke test and the integration tests that make runs of their own (OWN_RUNS) go to
# whichever worker is free.
LONGEST_FIRST = "tests/integration/test_spark.py"
INTEGRATION = "tests/integration/"
OWN_RUNS = ("tests/integration/test_retries.py",)


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))


def pytest_xdist_make_scheduler(config, log):
    """One unit of work for the integration tier but the Spark test, one per test elsewhere.
    (Not xdist's loadgroup: with pytest 9.2 its group marks are lost, pytest-xdist#1386.)"""
    from xdist.scheduler import LoadScopeScheduling

    class WholeGraphFirst(LoadScopeScheduling):  # the largest unit is handed out first
        def _split_scope(self, nodeid: str) -> str:
            whole_graph = nodeid.startswith(INTEGRATION) and not nodeid.startswith((LONGEST_FIRST, *OWN_RUNS))
            return "whole graph" if whole_graph else nodeid

    return WholeGraphFirst(config, log)


@pytest.fixture(autouse=True, scope="session")
def loopback_only():
    """Tests (and module-wide fixtures) reach nothing but this machine: any other address
    fails the test."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                is_loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                is_loopback = host == "localhost"
            if not is_loopback:
                raise AssertionError(f"network access outside loopback: {address}")
        return real_connect(sock, address)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", guarded)
        yield
