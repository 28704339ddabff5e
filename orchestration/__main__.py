"""Entry points behind `make run` and `make ui`.

    python -m orchestration run   # serve the sample portal, materialize everything, print a summary
    python -m orchestration run --broken-sample   # the same with a broken file: stops at the gate
    python -m orchestration run --rebuild   # dbt build even when nothing is new since the last run
    python -m orchestration ui    # serve the sample portal, start the Dagster UI and daemon on 127.0.0.1
    python -m orchestration golden-counts   # record rows per mart and year (after `make run`)
    python -m orchestration accept-load LOAD_ID --reason "..."   # release a load held for review
    python -m orchestration serve   # Datasette over the open tier on 127.0.0.1:8001 (after `run`)
    python -m orchestration serve-shared   # the shared tier in PostgreSQL on 127.0.0.1:5433 (after `run`)
    python -m orchestration audit-report   # who read which tables and columns of the exchange database
    python -m orchestration readme   # rewrite the README's automation table from the Definitions
    python -m orchestration rollback   # put the published release before the current one back

`run` and `ui` start the local data portal on loopback (unless BAZHONG_PORTAL_URL points
elsewhere), so sources are fetched over HTTP exactly as a department's endpoint would be.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from .exchange import print_audit_report, serve_shared
from .golden import golden_counts
from .review import accept_load
from .runs import LAYERS, holding_the_folder, run
from .services import serve, ui
from .settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="materialize every asset and print a summary")
    run_parser.add_argument("--broken-sample", action="store_true",
                            help="serve the sample with the files of sample_data/broken/ in "
                                 "place: the run stops at the quality gate")
    run_parser.add_argument("--layer", choices=LAYERS,
                            help="only this layer's assets (a Dagster group) and their checks")
    run_parser.add_argument("--rebuild", action="store_true",
                            help="run dbt build even when nothing is new since the last good run")
    ui_parser = sub.add_parser("ui", help="start the Dagster UI and daemon on 127.0.0.1")
    ui_parser.add_argument("--port", type=int, default=3000)
    sub.add_parser("golden-counts", help="record rows per mart and year in seeds/golden_row_counts.csv")
    accept_parser = sub.add_parser("accept-load", help="accept a load the raw gate holds, after review")
    accept_parser.add_argument("load_id")
    accept_parser.add_argument("--reason", required=True, help="why the load is right (kept with it)")
    accept_parser.add_argument("--operator", help="who reviewed it (default: the login name)")
    serve_parser = sub.add_parser("serve", help="browse the open tier with Datasette (UI and JSON/CSV API)")
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="127.0.0.1 (default) keeps it on this machine")
    serve_parser.add_argument("--port", type=int, default=8001)
    shared_parser = sub.add_parser("serve-shared", help="the shared tier in the project's own "
                                   "PostgreSQL (the exchange database, 前置库) on 127.0.0.1")
    shared_parser.add_argument("--port", type=int, default=5433)
    audit_parser = sub.add_parser("audit-report", help="who read which tables and columns of the "
                                  "exchange database, when, how many rows; reads refused")
    audit_parser.add_argument("--log-dir", type=Path, help="PostgreSQL's JSON logs (default: "
                              "BAZHONG_EXCHANGE_LOG_DIR, else the cluster of `serve-shared`)")
    sub.add_parser("readme", help="rewrite the README's automation table (schedules, sensors, "
                   "datasets, freshness) from the Definitions")
    sub.add_parser("rollback", help="put the release before the current one back in place of the "
                   "published tiers (publish_dir/releases/)")
    args = parser.parse_args(argv)
    return COMMANDS[args.command](Settings.from_env(), args)


# command → what runs it (each in its own module)
COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "run": lambda settings, a: run(settings, a.broken_sample, a.layer, a.rebuild),
    "ui": lambda settings, a: ui(settings, a.port),
    "golden-counts": lambda settings, a: golden_counts(settings),
    "accept-load": lambda settings, a: accept_load(settings, a.load_id, a.reason, a.operator),
    "serve": lambda settings, a: serve(settings, a.host, a.port),
    "serve-shared": lambda settings, a: serve_shared(settings, a.port),
    "audit-report": lambda settings, a: print_audit_report(settings, a.log_dir),
    "readme": lambda settings, a: _readme(settings),
    "rollback": lambda settings, a: holding_the_folder(settings, lambda: _rollback(settings)),
}


def _readme(settings: Settings) -> int:
    from .automation import write_readme_table  # imports dagster: only for this command

    return write_readme_table(settings)


def _rollback(settings: Settings) -> int:
    from publishing.files import PublishError
    from publishing.releases import NOTES, releases_dir, rollback

    try:
        was, now = rollback(settings.publish_dir)
    except PublishError as exc:
        print(f"NOT ROLLED BACK: {exc}", file=sys.stderr)
        return 1
    kept = releases_dir(settings.publish_dir)
    print(f"published tiers rolled back from release {was} to {now} ({kept / now}); what {was} had "
          f"changed: {kept / was / NOTES}. The next run that brings something new publishes again.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
