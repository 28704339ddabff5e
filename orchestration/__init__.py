"""Orchestration: the project's one Dagster `Definitions` (see definitions.py) and the
`python -m orchestration run|ui` entry points used by `make run` and `make ui`."""
