"""Settings: the one module that reads the environment. Everything else receives a `Settings`
(paths, endpoints, DuckDB memory, the grid factor scope) or, for dbt, the vars built here.

Defaults keep everything inside the repo's data/ folder. Secrets never live here: the portal
token reaches Dagster through `EnvVar("BAZHONG_PORTAL_TOKEN")`.

| variable | default | what |
|---|---|---|
| BAZHONG_DATA_DIR | data/ | warehouse, archive, published files, run history |
| BAZHONG_PORTAL_URL | (unset: serve the bundled sample) | base URL for `{portal}` in sources.yml |
| BAZHONG_DROP_DIR | $BAZHONG_DATA_DIR/drop | the drop folder of file-drop datasets |
| BAZHONG_DUCKDB_MEMORY_LIMIT | 3GB | memory DuckDB may use before spilling, in Python and dbt alike |
| BAZHONG_LANDING_WORKERS | CPUs | processes landing a Parquet-stored feed's batches at once |
| BAZHONG_FETCH_RETRIES | 3 | times a raw asset whose HTTP fetch failed is run again (0: never) |
| BAZHONG_FETCH_RETRY_DELAY_SECONDS | 300 | the first wait before that; each next wait is twice the last |
| BAZHONG_GRID_FACTOR_SCOPE | provincial | grid emission factor: provincial, regional or national |
| BAZHONG_GRID_FACTOR_YEAR | nearest | grid factor year: nearest (published) or a year (one constant factor) |
| BAZHONG_AUTOMATION | off | on: schedules and sensors start running with `make ui` |
| BAZHONG_WRITER_WAIT_SECONDS | 600 | how long `make run` waits for another run holding the DuckDB writer |
| BAZHONG_LINEAGE_URL | (unset) | OpenLineage events to http(s)://host:port (Marquez API) or file:///path |
| BAZHONG_RELEASES_KEPT | 5 | published releases kept for rollback (publishing/releases.py) |
| DAGSTER_HOME | $BAZHONG_DATA_DIR/dagster | Dagster's run history and instance settings |
| BAZHONG_EXCHANGE_DSN | (unset: files only) | the exchange database (前置库) each publish loads |
| BAZHONG_EXCHANGE_CONSUMERS | publishing/consumers.yml | who may read what there (the file is a sample) |
| BAZHONG_EXCHANGE_PASSWORD_<ID> | (unset: no password login) | consumer <id>'s password, set at each load |
| BAZHONG_EXCHANGE_LOG_DIR | $BAZHONG_DATA_DIR/exchange/pgdata/log | PostgreSQL's JSON logs (`audit-report`) |
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_DIR / "dbt_project"
PORTAL_TOKEN_VAR = "BAZHONG_PORTAL_TOKEN"
EXCHANGE_PASSWORD_PREFIX = "BAZHONG_EXCHANGE_PASSWORD_"

# Offline and quiet, however the code is started (make, dagster dev, pytest).
OFFLINE_ENV = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "DAGSTER_DISABLE_TELEMETRY": "yes",
}
for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

GRID_FACTOR_SCOPES = ("provincial", "regional", "national")
GWP_SETS = ("AR5", "AR6", "AR4", "SAR")  # the sets of the gwp_values seed


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    # None: serve the bundled sample on loopback (make run, make ui)
    portal_url: str | None = None
    drop_dir: Path | None = None
    duckdb_memory_limit: str = "3GB"
    # processes landing batches of a feed stored as Parquet at once (1: in the run's process)
    landing_workers: int = 1
    # a raw asset whose HTTP fetch failed is run again, after 300 s, then 600, 1200 (from the
    # environment: 3 times; here 0, so that tests and other callers fail fast)
    fetch_retries: int = 0
    fetch_retry_delay_seconds: float = 300.0
    grid_factor_scope: str = "provincial"
    grid_factor_year: str = "nearest"
    ghg_gwp_set: str = "AR5"  # the GHG inventory's GWP set (seed gwp_values)
    automation: bool = False
    writer_wait_seconds: float = 600.0
    # dbt's `spark` target: the Spark master, and where Spark keeps its tables and metastore
    spark_master: str = "local[2]"
    spark_dir: Path | None = None
    # dbt's `spark_thrift` target: a Spark cluster's Thrift server
    spark_thrift_host: str = "127.0.0.1"
    spark_thrift_port: int = 10000
    # the exchange database (前置库): the loader's connection, None for files only; who reads
    # what; the consumers' passwords (id → password); where the server's JSON logs are
    exchange_dsn: str | None = field(default=None, repr=False)
    exchange_consumers: Path = REPO_DIR / "publishing" / "consumers.yml"
    exchange_passwords: Mapping[str, str] = field(default_factory=dict, repr=False)
    exchange_log_dir: Path | None = None
    # Apprise URLs that alerts go to (orchestration/alerts.py); none: no alert is sent
    alert_urls: tuple[str, ...] = field(default=(), repr=False)
    releases_kept: int = 5  # published releases kept for rollback
    # where OpenLineage events go (orchestration/lineage.py): an HTTP endpoint or file://; none: nowhere
    lineage_url: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())
        object.__setattr__(self, "drop_dir", Path(self.drop_dir or self.data_dir / "drop").resolve())
        object.__setattr__(self, "spark_dir", Path(self.spark_dir or self.data_dir / "spark").resolve())
        object.__setattr__(self, "exchange_log_dir", Path(self.exchange_log_dir or
                                                          self.exchange_dir / "pgdata" / "log").resolve())
        if self.landing_workers < 1:
            raise ValueError(f"BAZHONG_LANDING_WORKERS={self.landing_workers}: at least 1")
        if self.lineage_url and not self.lineage_url.startswith(("http://", "https://", "file://")):
            raise ValueError(f"BAZHONG_LINEAGE_URL={self.lineage_url!r}: http://…, https://… or file:///path")
        if self.releases_kept < 1:
            raise ValueError(f"BAZHONG_RELEASES_KEPT={self.releases_kept}: at least 1")
        if self.fetch_retries < 0:
            raise ValueError(f"BAZHONG_FETCH_RETRIES={self.fetch_retries}: 0 or more")
        if self.grid_factor_scope not in GRID_FACTOR_SCOPES:
            raise ValueError(f"BAZHONG_GRID_FACTOR_SCOPE={self.grid_factor_scope!r}: "
                             f"one of {', '.join(GRID_FACTOR_SCOPES)}")
        if self.grid_factor_year != "nearest" and not self.grid_factor_year.isdigit():
            raise ValueError(f"BAZHONG_GRID_FACTOR_YEAR={self.grid_factor_year!r}: nearest, or a "
                             "year of the grid_emission_factors seed (e.g. 2021)")
        if self.ghg_gwp_set not in GWP_SETS:
            raise ValueError(f"BAZHONG_GHG_GWP_SET={self.ghg_gwp_set!r}: one of {', '.join(GWP_SETS)}")

    @classmethod
    def from_env(cls, data_dir: Path | None = None) -> Settings:
        env = os.environ
        automation = env.get("BAZHONG_AUTOMATION", "off").lower()
        if automation not in {"on", "off"}:
            raise ValueError(f"BAZHONG_AUTOMATION={automation!r}: on or off")
        return cls(
            data_dir=Path(data_dir or env.get("BAZHONG_DATA_DIR") or REPO_DIR / "data"),
            portal_url=env.get("BAZHONG_PORTAL_URL"),
            drop_dir=Path(env["BAZHONG_DROP_DIR"]) if env.get("BAZHONG_DROP_DIR") else None,
            duckdb_memory_limit=env.get("BAZHONG_DUCKDB_MEMORY_LIMIT", "3GB"),
            landing_workers=_whole(env, "BAZHONG_LANDING_WORKERS", os.cpu_count() or 1),
            fetch_retries=_whole(env, "BAZHONG_FETCH_RETRIES", 3),
            fetch_retry_delay_seconds=float(env.get("BAZHONG_FETCH_RETRY_DELAY_SECONDS", "300")),
            grid_factor_scope=env.get("BAZHONG_GRID_FACTOR_SCOPE", "provincial"),
            grid_factor_year=env.get("BAZHONG_GRID_FACTOR_YEAR", "nearest"),
            ghg_gwp_set=env.get("BAZHONG_GHG_GWP_SET", "AR5"),
            automation=automation == "on",
            writer_wait_seconds=float(env.get("BAZHONG_WRITER_WAIT_SECONDS", "600")),
            spark_master=env.get("BAZHONG_SPARK_MASTER", "local[2]"),
            spark_dir=Path(env["BAZHONG_SPARK_DIR"]) if env.get("BAZHONG_SPARK_DIR") else None,
            spark_thrift_host=env.get("BAZHONG_SPARK_THRIFT_HOST", "127.0.0.1"),
            spark_thrift_port=_whole(env, "BAZHONG_SPARK_THRIFT_PORT", 10000),
            exchange_dsn=env.get("BAZHONG_EXCHANGE_DSN") or None,
            alert_urls=tuple(env.get("BAZHONG_ALERT_URLS", "").split()),
            releases_kept=_whole(env, "BAZHONG_RELEASES_KEPT", 5),
            lineage_url=env.get("BAZHONG_LINEAGE_URL") or None,
            exchange_consumers=Path(env.get("BAZHONG_EXCHANGE_CONSUMERS") or
                                    REPO_DIR / "publishing" / "consumers.yml"),
            exchange_passwords={k.removeprefix(EXCHANGE_PASSWORD_PREFIX).lower(): v for k, v in env.items()
                                if k.startswith(EXCHANGE_PASSWORD_PREFIX) and v},
            exchange_log_dir=Path(env["BAZHONG_EXCHANGE_LOG_DIR"]) if env.get("BAZHONG_EXCHANGE_LOG_DIR")
            else None,
        )

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def raw_dir(self) -> Path:
        """The rows of datasets stored as Parquet (ingestion/raw_files.py: beside the warehouse)."""
        return self.warehouse_path.parent / "raw"

    @property
    def publish_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def exchange_dir(self) -> Path:
        """The exchange database's own cluster when `make serve-shared` runs it."""
        return self.data_dir / "exchange"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME", self.data_dir / "dagster"))

    def dbt_vars(self) -> dict[str, str]:
        """What dbt gets from these settings (profiles.yml, dbt_project.yml read the same
        names from the environment when dbt is run by hand)."""
        return {"warehouse_path": str(self.warehouse_path), "raw_dir": str(self.raw_dir),
                "duckdb_memory_limit": self.duckdb_memory_limit,
                "grid_emission_factor_scope": self.grid_factor_scope,
                "grid_emission_factor_year": self.grid_factor_year,
                "ghg_gwp_set": self.ghg_gwp_set,
                "spark_master": self.spark_master, "spark_dir": str(self.spark_dir),
                "spark_thrift_host": self.spark_thrift_host, "spark_thrift_port": str(self.spark_thrift_port)}

    def dbt_vars_arg(self) -> list[str]:
        return ["--vars", json.dumps(self.dbt_vars(), sort_keys=True)]


def _whole(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(env.get(name, default))
    except ValueError:
        raise ValueError(f"{name}={env[name]!r}: a whole number") from None


def local_portal_token() -> str:
    """The token the local sample portal asks for: the user's, else a new one for this
    process and its children (dagster dev), exported where Dagster's EnvVar reads it."""
    return os.environ.setdefault(PORTAL_TOKEN_VAR, secrets.token_urlsafe(16))


def export_portal_url(url: str) -> None:
    """`dagster dev` loads the definitions in child processes: they find the portal here."""
    os.environ["BAZHONG_PORTAL_URL"] = url


def prepare_dagster_home(settings: Settings) -> Path:
    """Make $DAGSTER_HOME hold orchestration/dagster.yaml (telemetry off, one writer pool)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_DIR / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
