"""Shared by every tier: tests reach nothing but this machine.

Tiers: tests/unit (no graph run), tests/integration (one clean run of the whole graph per
session, shared; tests that change data work on a copy of it), tests/bench (the benchmark's
smoke test). `make test` runs all three."""

import ipaddress
import socket

import pytest


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
