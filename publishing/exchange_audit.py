"""Who read what from the exchange database: pgaudit's lines in PostgreSQL's JSON log (one per
relation a statement read, with its role, time and the rows it returned) and the reads the
server refused (permission denied), summarised per role and table."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .exchange import LIVE_SCHEMA

# pgaudit's fields after "AUDIT: ": audit type, statement id, substatement id, class, command,
# object type, object name, statement, parameter, rows (pgaudit.log_rows)
AUDIT_PREFIX = "AUDIT: "
IDENTIFIER = re.compile(r'"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*)')
ALL_COLUMNS = re.compile(r"(?i)\bselect\s+(?:distinct\s+)?\*|\.\*")  # SELECT *, t.* (not count(*))
INSUFFICIENT_PRIVILEGE = "42501"


@dataclass
class TableReads:
    role: str
    table: str
    columns: set[str] = field(default_factory=set)  # named in the statements ("*": every column it may read)
    statements: int = 0
    rows: int = 0
    first: str = ""
    last: str = ""


@dataclass(frozen=True)
class DeniedRead:
    role: str
    at: str
    message: str
    statement: str


@dataclass(frozen=True)
class AuditReport:
    reads: list[TableReads]
    denied: list[DeniedRead]


def _columns_named(statement: str, columns: Iterable[str]) -> set[str]:
    names = {quoted.replace('""', '"') if quoted else bare.lower()
             for quoted, bare in IDENTIFIER.findall(statement)}
    return ({"*"} if ALL_COLUMNS.search(statement) else set()) | (set(columns) & names)


def audit_report(log_dir: Path, columns_of: Mapping[str, list[str]], exclude_roles: set[str]) -> AuditReport:
    """Reads of the live schema's tables by every role but `exclude_roles` (the loader), from
    the JSON logs in `log_dir`; `columns_of`: each table's columns, to name those read."""
    if not log_dir.is_dir():
        raise FileNotFoundError(f"{log_dir}: no PostgreSQL log folder here (BAZHONG_EXCHANGE_LOG_DIR, "
                                "or the cluster `make serve-shared` runs: data/exchange/pgdata/log)")
    reads: dict[tuple[str, str], TableReads] = {}
    denied = []
    for path in sorted(log_dir.glob("*.json")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash
            role, at, message = entry.get("user", ""), entry.get("timestamp", ""), entry.get("message", "")
            if not role or role in exclude_roles:
                continue
            if entry.get("state_code") == INSUFFICIENT_PRIVILEGE:
                denied.append(DeniedRead(role, at, message, entry.get("statement", "")))
                continue
            if not message.startswith(AUDIT_PREFIX):
                continue
            fields = next(csv.reader([message[len(AUDIT_PREFIX):]]))
            if len(fields) < 10 or fields[3] != "READ" or not fields[6].startswith(LIVE_SCHEMA + "."):
                continue
            table = fields[6].split(".", 1)[1]
            found = reads.setdefault((role, table), TableReads(role, table, first=at))
            found.columns |= _columns_named(fields[7], columns_of.get(table, []))
            found.statements += 1
            found.rows += int(fields[9]) if fields[9].isdigit() else 0
            found.last = at
    return AuditReport(sorted(reads.values(), key=lambda r: (r.role, r.table)), denied)


def format_report(report: AuditReport, departments: Mapping[str, str]) -> str:
    lines = ["读取记录 (reads of the exchange database, from pgaudit):",
             f"{'role':<14} {'department':<24} {'table':<36} {'statements':>10} {'rows':>8}  "
             "first … last  columns"]
    for r in report.reads:
        lines.append(f"{r.role:<14} {departments.get(r.role, ''):<24} {r.table:<36} {r.statements:>10} "
                     f"{r.rows:>8}  {r.first[:19]} … {r.last[:19]}  {', '.join(sorted(r.columns)) or '-'}")
    if not report.reads:
        lines.append("(no reads)")
    lines.append(f"拒绝的读取 (reads refused, permission denied): {len(report.denied)}")
    lines += [f"{d.role:<14} {departments.get(d.role, ''):<24} {d.at[:19]}  {d.message}  "
              f"«{d.statement[:120]}»" for d in report.denied]
    return "\n".join(lines)
