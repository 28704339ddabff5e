"""A PostgreSQL cluster of the project's own on 127.0.0.1: the shared tier's exchange database
(前置库) for `make serve-shared` and the tests. Debian's postgresql-15 and pgaudit (`make
postgres` installs them); initialised into a folder, started with pg_ctl, stopped by the
postmaster's process id. pgaudit logs every statement with its role and time as JSON lines
under <folder>/pgdata/log/, what `python -m orchestration audit-report` reads.

PostgreSQL refuses to run as root: as root, the cluster's files belong to the `postgres` user
the package creates, and initdb and pg_ctl run as that user (runuser)."""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .spark_cluster import free_port

ADMIN_ROLE = "bazhong_admin"  # owns the exchange database and loads each release
DATABASE = "bazhong_exchange"
START_SECONDS = 60
# Every statement logged with its role and time (pgaudit.log = all), one line per relation a
# statement reads (log_relation) with the rows it returned (log_rows), as JSON (jsonlog) so
# the audit report parses fields, not text. A BI tool's catalog queries (reflection) are left
# out (log_catalog = off): they read no data.
SETTINGS = {
    "shared_preload_libraries": "pgaudit",
    "logging_collector": "on",
    "log_destination": "jsonlog",
    "log_directory": "log",
    "log_filename": "postgresql-%Y-%m-%d.log",
    "log_file_mode": "0640",
    "pgaudit.log": "all",
    "pgaudit.log_catalog": "off",
    "pgaudit.log_relation": "on",
    "pgaudit.log_rows": "on",
    "pgaudit.log_parameter": "off",
    "password_encryption": "scram-sha-256",
}


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's programs are not installed (`make postgres`)."""


def bindir() -> Path:
    """Debian keeps initdb and pg_ctl out of PATH, under /usr/lib/postgresql/<version>/bin."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    if initdb := shutil.which("initdb"):
        return Path(initdb).parent
    raise PostgresUnavailable("PostgreSQL is not installed: `make postgres` installs Debian's "
                              "postgresql-15 and postgresql-15-pgaudit")


def has_pgaudit() -> bool:
    with contextlib.suppress(PostgresUnavailable):
        return any(Path("/usr/share/postgresql").glob(f"{bindir().parent.name}/extension/pgaudit.control"))
    return False


@dataclass
class PostgresCluster:
    folder: Path  # pgdata/ (the cluster), sock/ (its Unix socket), server.log
    port: int
    admin_password: str
    pid: int | None = None

    @property
    def pgdata(self) -> Path:
        return self.folder / "pgdata"

    @property
    def log_dir(self) -> Path:
        return self.pgdata / "log"

    def dsn(self, role: str = ADMIN_ROLE, password: str | None = None, database: str = DATABASE) -> str:
        password = self.admin_password if password is None and role == ADMIN_ROLE else password
        return (f"postgresql://{role}{':' + password if password else ''}@127.0.0.1:{self.port}/"
                f"{database}")


def _owner_command(command: list[str]) -> list[str]:
    """As root, run as the `postgres` user (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def _check_reachable(folder: Path) -> None:
    """As root, the postgres user must be able to reach the folder (a 0700 parent hides it)."""
    if os.geteuid() != 0:
        return
    uid = pwd.getpwnam("postgres").pw_uid
    for parent in [folder, *folder.parents]:
        st = parent.stat()
        if parent != folder and not (st.st_mode & 0o001 or (st.st_uid == uid and st.st_mode & 0o100)):
            raise PermissionError(f"{folder}: the postgres user cannot reach it ({parent} is mode "
                                  f"{oct(st.st_mode & 0o777)}); put the cluster under a folder "
                                  "others may traverse, e.g. /tmp or /var/lib")


def initialise(folder: Path) -> PostgresCluster:
    """A new cluster in folder/pgdata: the admin role with a random password (kept in
    folder/admin.password, readable only by its owner), password logins on 127.0.0.1 only."""
    folder.mkdir(parents=True, exist_ok=True)
    _check_reachable(folder)
    _own(folder)
    password = secrets.token_urlsafe(24)
    pwfile = folder / "admin.password"
    pwfile.write_text(password, encoding="utf-8")
    pwfile.chmod(0o600)
    _own(pwfile)
    subprocess.run(_owner_command([
        str(bindir() / "initdb"), "-D", str(folder / "pgdata"), "-U", ADMIN_ROLE, "--pwfile", str(pwfile),
        "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]),
        check=True, capture_output=True, text=True)
    return PostgresCluster(folder, 0, password)


def start(folder: Path, port: int | None = None) -> PostgresCluster:
    """Start the cluster in `folder` (initialised first if new) on 127.0.0.1:`port` (a free
    one by default) and create the exchange database with pgaudit."""
    cluster = (PostgresCluster(folder, 0, (folder / "admin.password").read_text(encoding="utf-8"))
               if (folder / "pgdata" / "PG_VERSION").exists() else initialise(folder))
    cluster.port = port or free_port()
    sock = folder / "sock"
    sock.mkdir(exist_ok=True)
    _own(sock)
    options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
    done = subprocess.run(_owner_command([
        str(bindir() / "pg_ctl"), "-D", str(cluster.pgdata), "-l", str(folder / "server.log"), "-w",
        "-t", str(START_SECONDS), "-o",
        f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {sock} {options}", "start"]),
        capture_output=True, text=True)
    if done.returncode:
        log = (folder / "server.log").read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"PostgreSQL did not start in {folder}: {done.stdout}{done.stderr}\n{log}")
    cluster.pid = int((cluster.pgdata / "postmaster.pid").read_text().split()[0])
    _create_database(cluster)
    return cluster


def _create_database(cluster: PostgresCluster) -> None:
    import psycopg

    with psycopg.connect(cluster.dsn(database="postgres"), autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            con.execute(f"CREATE DATABASE {DATABASE}")
    with psycopg.connect(cluster.dsn(), autocommit=True) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS pgaudit")


def stop(cluster: PostgresCluster, timeout: float = 30) -> None:
    """Stop the postmaster by its process id (SIGINT: PostgreSQL's fast shutdown, which ends
    open sessions), and wait until it is gone."""
    if cluster.pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(cluster.pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{cluster.pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    if Path(f"/proc/{cluster.pid}").exists():
        with contextlib.suppress(ProcessLookupError):
            os.kill(cluster.pid, signal.SIGQUIT)  # immediate shutdown
    cluster.pid = None


@contextlib.contextmanager
def local_cluster(folder: Path) -> Iterator[PostgresCluster]:
    """A started cluster in `folder`, stopped by its process id when the block ends."""
    cluster = start(folder)
    try:
        yield cluster
    finally:
        stop(cluster)
