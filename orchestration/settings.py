"""Paths and endpoints: defaults inside the repo's data/ folder, each overridable by an
environment variable. Secrets never live here: they go through Dagster `EnvVar`."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_DIR / "dbt_project"

# Offline and quiet, however the code is started (make, dagster dev, pytest).
OFFLINE_ENV = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "DAGSTER_DISABLE_TELEMETRY": "yes",
}
for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    portal_url: str
    drop_dir: Path

    @classmethod
    def from_env(cls, data_dir: Path | None = None) -> Settings:
        data_dir = Path(data_dir or os.environ.get("BAZHONG_DATA_DIR", REPO_DIR / "data"))
        return cls(
            data_dir=data_dir.resolve(),
            portal_url=os.environ.get("BAZHONG_PORTAL_URL", "http://127.0.0.1:8765"),
            drop_dir=Path(os.environ.get("BAZHONG_DROP_DIR", data_dir / "drop")).resolve(),
        )

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def publish_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME", self.data_dir / "dagster"))


def prepare_dagster_home(settings: Settings) -> Path:
    """Make $DAGSTER_HOME hold orchestration/dagster.yaml (telemetry off, one writer pool)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_DIR / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
