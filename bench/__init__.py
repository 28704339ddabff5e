"""Benchmarks of the monitoring feed at province scale (issue 8). Not part of `make test`."""
