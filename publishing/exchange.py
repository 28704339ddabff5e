"""The shared tier served from PostgreSQL: the exchange database (前置库) the 智慧巴中 platform
and the departments' BI tools (FineBI, DataEase, Superset, Metabase) connect to.

Each publish copies the shared snapshot into a new schema (marts__loading) with its primary
and foreign keys and its comments (the snapshot's: from the dbt tests and descriptions),
grants it, and swaps it in as `marts` in one transaction: a reader sees the last release or
this one, never half of either.

Who reads what is data (publishing/consumers.yml, or BAZHONG_EXCHANGE_CONSUMERS): each consumer
is a login role c_<id>, a member of bazhong_consumer. From the catalogue's 共享属性:
- 无条件共享: to bazhong_consumer, so to every consumer;
- 有条件共享: a column (meta.indicator / meta.derived_from) or a row (a table keyed by
  indicator_code, cut by row-level security) only to the consumers whose approval grants that
  table (or those columns), until the approval expires; nothing by default.
Grants live on the release's objects, so a grant expired or removed from the file is gone
with the next publish. Passwords never live in the repository: a consumer's comes from the
environment (orchestration.settings: BAZHONG_EXCHANGE_PASSWORD_<ID>)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import yaml

from .files import PublishError
from .metadata import TableDoc
from .snapshot import DUCKDB_OFFLINE
from .tiers import DESCRIPTIVE, ROW_KEY, Tier, admitted_indicators, cut_table

LIVE_SCHEMA = "marts"  # the names analysts know from the warehouse
LOADING_SCHEMA = "marts__loading"
PREVIOUS_SCHEMA = "marts__previous"
CONSUMER_GROUP = "bazhong_consumer"
ROLE_PREFIX = "c_"
SWAP_LOCK_TIMEOUT = "60s"  # how long the swap waits for a reader of the last release
BATCH_ROWS = 10_000
# what every consumer may read: the 无条件共享 part of the shared tier
UNCONDITIONAL = Tier("unconditional", "无条件共享", "Shared without conditions",
                     "share_type_zh = '无条件共享'", fail_closed=False)
PG_TYPES = {"VARCHAR": "text", "INTEGER": "integer", "BIGINT": "bigint", "SMALLINT": "smallint",
            "DOUBLE": "double precision", "FLOAT": "real", "BOOLEAN": "boolean", "DATE": "date",
            "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz"}
CONSUMER_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


class ExchangeError(PublishError):
    """The consumers file or the release cannot be published as asked; the last release stays."""


@dataclass(frozen=True)
class Consumer:
    id: str
    department_zh: str
    contact: str
    approved_under: str  # the 共享条件 the department's request was approved under
    expires: date | None
    grants: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # table → columns (None: all)

    @property
    def role(self) -> str:
        return ROLE_PREFIX + self.id

    def active(self, today: date) -> bool:
        return self.expires is None or today <= self.expires


def load_consumers(path: Path) -> list[Consumer]:
    """The consumers file, checked: ids, dates and the shape of every grant."""
    try:
        entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("consumers") or []
    except (OSError, yaml.YAMLError) as exc:
        raise ExchangeError(f"{path}: cannot read the consumers file: {exc}") from exc
    consumers, seen = [], set()
    for n, entry in enumerate(entries, 1):
        where = f"{path}, consumer {n} ({entry.get('id', '?') if isinstance(entry, dict) else '?'})"
        if not isinstance(entry, dict) or not CONSUMER_ID.match(str(entry.get("id", ""))):
            raise ExchangeError(f"{where}: `id` must be lower-case letters, digits or _ (it names "
                                f"the role {ROLE_PREFIX}<id>)")
        if entry["id"] in seen:
            raise ExchangeError(f"{where}: id {entry['id']} appears twice")
        seen.add(entry["id"])
        for key in ("department_zh", "contact", "approved_under"):
            if not str(entry.get(key) or "").strip():
                raise ExchangeError(f"{where}: `{key}` is missing")
        expires = entry.get("expires")
        if expires is not None and not isinstance(expires, date):
            raise ExchangeError(f"{where}: `expires` {expires!r} is not a date (YYYY-MM-DD)")
        grants: dict[str, tuple[str, ...] | None] = {}
        for table, columns in (entry.get("grants") or {}).items():
            if columns != "*" and not (isinstance(columns, list)
                                       and all(isinstance(c, str) for c in columns)):
                raise ExchangeError(f"{where}: grant of {table}: \"*\" or a list of column names")
            grants[table] = None if columns == "*" else tuple(columns)
        consumers.append(Consumer(entry["id"], entry["department_zh"], entry["contact"],
                                  entry["approved_under"], expires, grants))
    return consumers


@dataclass(frozen=True)
class TableGrant:
    """What of one table every consumer gets, and what only the consumers granted it get."""
    table: str
    columns: list[str]
    everyone: list[str]  # columns for every consumer ([] : none of the table)
    identifying: list[str]  # keys and descriptive columns: granted with any column of the table
    unconditional_rows: set[str] | None  # indicator codes every consumer sees; None: all rows


def table_grants(con: duckdb.DuckDBPyConnection, docs: Mapping[str, TableDoc]) -> dict[str, TableGrant]:
    """Per table of the shared snapshot (open in `con`): its 无条件共享 part (publishing.tiers'
    cut with the unconditional indicators admitted) and the 有条件共享 rest."""
    unconditional = admitted_indicators(con, "main.dim_indicator", UNCONDITIONAL)
    grants = {}
    for table, columns in con.execute(
            "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND NOT internal GROUP BY table_name ORDER BY table_name").fetchall():
        doc = docs.get(table) or TableDoc(table, "")
        cut = cut_table(f'"{table}"', columns, doc, unconditional, UNCONDITIONAL)
        rows = None
        if ROW_KEY in columns:
            present = {c for (c,) in con.execute(f'SELECT DISTINCT "{ROW_KEY}" FROM "{table}"').fetchall()}
            rows = present & unconditional if present - unconditional else None
        keys = set(doc.primary_key) | {c for cols, _, _ in doc.foreign_keys for c in cols} | DESCRIPTIVE
        grants[table] = TableGrant(table, columns, cut.columns if cut else [],
                                   [c for c in columns if c in keys], rows)
    return grants


def _check_grants(consumers: list[Consumer], grants: dict[str, TableGrant], source: Path | str) -> None:
    for consumer in consumers:
        for table, columns in consumer.grants.items():
            if table not in grants:
                raise ExchangeError(f"{source}, consumer {consumer.id}: grants table {table}, which the "
                                    f"shared tier does not have (it has: {', '.join(sorted(grants))})")
            unknown = sorted(set(columns or ()) - set(grants[table].columns))
            if unknown:
                raise ExchangeError(f"{source}, consumer {consumer.id}: {table} has no column "
                                    f"{', '.join(unknown)}")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class ExchangeRelease:
    rows: dict[str, int]
    roles: dict[str, str]  # role → what it may read ("unconditional" or the granted tables)
    retired_roles: list[str]  # consumers no longer in the file: login disabled


def publish_exchange(dsn: str, snapshot: Path, docs: Mapping[str, TableDoc], consumers: list[Consumer],
                     passwords: Mapping[str, str], release: str, today: date,
                     consumers_source: Path | str = "consumers") -> ExchangeRelease:
    """Load the shared `snapshot` (a bazhong.duckdb) into the exchange database at `dsn` as
    the release `release`, grant it to `consumers` as of `today`, and swap it in."""
    import psycopg

    src = duckdb.connect(str(snapshot), read_only=True, config=DUCKDB_OFFLINE)
    try:
        grants = table_grants(src, docs)
        _check_grants(consumers, grants, consumers_source)
        try:
            pg = psycopg.connect(dsn)
        except psycopg.OperationalError as exc:
            raise ExchangeError(f"cannot connect to the exchange database ({_where(dsn)}): "
                                f"{str(exc).strip()}") from exc
        with pg:
            roles, retired = _roles(pg, consumers, passwords, today)
            pg.commit()
            pg.execute(f"DROP SCHEMA IF EXISTS {LOADING_SCHEMA} CASCADE")
            pg.execute(f"CREATE SCHEMA {LOADING_SCHEMA}")
            rows = {table: _load_table(pg, src, table) for table in grants}
            _constraints(pg, src)
            _comments(pg, src)
            _grant(pg, grants, [c for c in consumers if c.active(today)])
            pg.execute(f"COMMENT ON SCHEMA {LOADING_SCHEMA} IS "
                       f"{_literal(f'巴中市减污降碳协同增效数据（政务共享层）release {release}')}")
            pg.commit()  # loaded beside the live release; now the swap, in one transaction
            try:
                pg.execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
                pg.execute(f"DROP SCHEMA IF EXISTS {PREVIOUS_SCHEMA} CASCADE")
                if pg.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [LIVE_SCHEMA]).fetchone():
                    pg.execute(f"ALTER SCHEMA {LIVE_SCHEMA} RENAME TO {PREVIOUS_SCHEMA}")
                pg.execute(f"ALTER SCHEMA {LOADING_SCHEMA} RENAME TO {LIVE_SCHEMA}")
                pg.execute(f"DROP SCHEMA IF EXISTS {PREVIOUS_SCHEMA} CASCADE")
                pg.commit()
            except psycopg.errors.LockNotAvailable as exc:
                raise ExchangeError(f"the exchange database ({_where(dsn)}): a reader held the last "
                                    f"release's tables for over {SWAP_LOCK_TIMEOUT}; it stays live, this "
                                    f"one waits in {LOADING_SCHEMA} until the next publish") from exc
    finally:
        src.close()
    return ExchangeRelease(rows, roles, retired)


def _where(dsn: str) -> str:
    """The DSN without its password, for messages."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", dsn)


def _roles(pg, consumers: list[Consumer], passwords: Mapping[str, str], today: date
           ) -> tuple[dict[str, str], list[str]]:
    """The group role, a login role per consumer (department and approval as its COMMENT), and
    the roles of consumers no longer in the file retired (no login, out of the group)."""
    existing = {r for (r,) in pg.execute("SELECT rolname FROM pg_roles").fetchall()}
    if CONSUMER_GROUP not in existing:
        pg.execute(f"CREATE ROLE {CONSUMER_GROUP} NOLOGIN")
    database = pg.execute("SELECT current_database()").fetchone()[0]
    pg.execute(f"REVOKE ALL ON DATABASE {_ident(database)} FROM PUBLIC")
    pg.execute(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {CONSUMER_GROUP}")
    roles = {}
    for consumer in consumers:
        role = _ident(consumer.role)
        if consumer.role not in existing:
            pg.execute(f"CREATE ROLE {role} LOGIN")
        pg.execute(f"ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        pg.execute(f"GRANT {CONSUMER_GROUP} TO {role}")
        pg.execute(f"ALTER ROLE {role} SET search_path = {LIVE_SCHEMA}")
        if password := passwords.get(consumer.id):  # kept out of the audit log
            pg.execute("SET pgaudit.log = 'none'")
            pg.execute(f"ALTER ROLE {role} PASSWORD {_literal(password)}")
            pg.execute("RESET pgaudit.log")
        expiry = consumer.expires.isoformat() if consumer.expires else "无"
        about = (f"{consumer.department_zh}；联系人 {consumer.contact}；共享条件 {consumer.approved_under}；"
                 f"有效期至 {expiry}")
        pg.execute(f"COMMENT ON ROLE {role} IS {_literal(about)}")
        granted = ", ".join(sorted(consumer.grants)) if consumer.active(today) else ""
        roles[consumer.role] = "无条件共享" + (f" + 有条件共享: {granted}" if granted else "") + (
            "" if consumer.active(today) else f" (approval expired {consumer.expires})")
    retired = sorted(r for (r,) in pg.execute(
        "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
        "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = %s", [CONSUMER_GROUP]).fetchall()
        if r.startswith(ROLE_PREFIX) and r not in roles)
    for role in retired:
        pg.execute(f"REVOKE {CONSUMER_GROUP} FROM {_ident(role)}")
        pg.execute(f"ALTER ROLE {_ident(role)} NOLOGIN")
    return roles, retired


def _load_table(pg, src: duckdb.DuckDBPyConnection, table: str) -> int:
    described = src.execute(f'DESCRIBE "{table}"').fetchall()
    definitions = []
    for name, kind, *_ in described:
        if kind not in PG_TYPES and not kind.startswith("DECIMAL"):
            raise ExchangeError(f"{table}.{name}: type {kind} has no PostgreSQL mapping in "
                                "publishing/exchange.py (PG_TYPES)")
        definitions.append(f"{_ident(name)} {PG_TYPES.get(kind, kind.replace('DECIMAL', 'numeric'))}")
    target = f"{LOADING_SCHEMA}.{_ident(table)}"
    pg.execute(f"CREATE TABLE {target} ({', '.join(definitions)})")
    names = ", ".join(_ident(n) for n, *_ in described)
    rows = 0
    result = src.execute(f'SELECT * FROM "{table}"')
    with pg.cursor().copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        while batch := result.fetchmany(BATCH_ROWS):
            for row in batch:
                copy.write_row(row)
            rows += len(batch)
    return rows


def _constraints(pg, src: duckdb.DuckDBPyConnection) -> None:
    """The snapshot's primary keys, then its foreign keys (publishing.snapshot declares both
    from the dbt tests that prove them)."""
    for table, kind, columns, other, referenced in src.execute(
            "SELECT table_name, constraint_type, constraint_column_names, referenced_table, "
            "referenced_column_names FROM duckdb_constraints() WHERE constraint_type IN "
            "('PRIMARY KEY', 'FOREIGN KEY') ORDER BY constraint_type = 'FOREIGN KEY', table_name, "
            "constraint_index").fetchall():
        key = f"{LOADING_SCHEMA}.{_ident(table)}"
        if kind == "PRIMARY KEY":
            pg.execute(f"ALTER TABLE {key} ADD PRIMARY KEY ({', '.join(map(_ident, columns))})")
        else:
            pg.execute(f"ALTER TABLE {key} ADD FOREIGN KEY ({', '.join(map(_ident, columns))}) "
                       f"REFERENCES {LOADING_SCHEMA}.{_ident(other)} ({', '.join(map(_ident, referenced))})")


def _comments(pg, src: duckdb.DuckDBPyConnection) -> None:
    """The snapshot's table and column comments (publishing.snapshot writes them, Chinese first)."""
    for table, comment in src.execute("SELECT table_name, comment FROM duckdb_tables() "
                                      "WHERE schema_name = 'main' AND comment IS NOT NULL").fetchall():
        pg.execute(f"COMMENT ON TABLE {LOADING_SCHEMA}.{_ident(table)} IS {_literal(comment)}")
    for table, column, comment in src.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND NOT internal AND comment IS NOT NULL").fetchall():
        pg.execute(f"COMMENT ON COLUMN {LOADING_SCHEMA}.{_ident(table)}.{_ident(column)} "
                   f"IS {_literal(comment)}")


def _grant(pg, grants: dict[str, TableGrant], active: list[Consumer]) -> None:
    pg.execute(f"GRANT USAGE ON SCHEMA {LOADING_SCHEMA} TO {CONSUMER_GROUP}")
    for table, grant in grants.items():
        target = f"{LOADING_SCHEMA}.{_ident(table)}"
        granted = {c.role: c.grants[table] for c in active if table in c.grants}
        if grant.unconditional_rows is not None:  # rows of 有条件共享 indicators: row-level security
            pg.execute(f"GRANT SELECT ON {target} TO {CONSUMER_GROUP}")
            pg.execute(f"ALTER TABLE {target} ENABLE ROW LEVEL SECURITY")
            codes = ", ".join(map(_literal, sorted(grant.unconditional_rows))) or "NULL"
            pg.execute(f"CREATE POLICY unconditional_rows ON {target} FOR SELECT TO {CONSUMER_GROUP} "
                       f"USING ({_ident(ROW_KEY)} IN ({codes}))")
            for role in granted:
                pg.execute(f"CREATE POLICY {_ident('granted_' + role)} ON {target} FOR SELECT "
                           f"TO {_ident(role)} USING (true)")
            continue
        if grant.everyone == grant.columns:
            pg.execute(f"GRANT SELECT ON {target} TO {CONSUMER_GROUP}")
            continue
        if grant.everyone:
            pg.execute(f"GRANT SELECT ({', '.join(map(_ident, grant.everyone))}) ON {target} "
                       f"TO {CONSUMER_GROUP}")
        for role, columns in granted.items():
            wanted = grant.columns if columns is None else [*grant.identifying, *columns]
            extra = [c for c in grant.columns if c in wanted and c not in grant.everyone]
            if extra:
                pg.execute(f"GRANT SELECT ({', '.join(map(_ident, extra))}) ON {target} TO {_ident(role)}")
