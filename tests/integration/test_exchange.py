"""The shared tier in the exchange database (前置库): a real PostgreSQL with pgaudit on
127.0.0.1 (orchestration/postgres_cluster.py), loaded from the session run's shared snapshot,
read over real connections the way a BI tool reads it (SQLAlchemy with psycopg). `make test`
installs Debian's postgresql-15 and pgaudit (`make postgres`)."""

import dataclasses
import shutil
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
import sqlalchemy
from sqlalchemy.exc import ProgrammingError

from orchestration.__main__ import main
from orchestration.assets.dbt import dbt_project
from orchestration.exchange import load_release
from orchestration.postgres_cluster import ADMIN_ROLE, has_pgaudit, local_cluster
from orchestration.settings import Settings
from publishing import audit_report

CO2 = "co2_emissions_t"  # mart_carbon's 有条件共享 column (co2_emissions_energy)
PASSWORDS = {"fgw": "fgw-secret", "jtj": "jtj-secret", "old": "old-secret"}


def consumers(path: Path, fgw_expires: str, old: bool = True) -> Path:
    entries = f"""consumers:
  - id: fgw
    department_zh: 巴中市发展和改革委员会
    contact: 测试
    approved_under: 碳排放考核（测试）
    expires: {fgw_expires}
    grants: {{mart_carbon: [{CO2}], fct_indicator_observation: "*"}}
  - id: jtj
    department_zh: 巴中市交通运输局
    contact: 测试
    approved_under: 仅无条件共享
    grants: {{}}
"""
    if old:
        entries += """  - id: old
    department_zh: 巴中市统计局
    contact: 测试
    approved_under: 已过期的审批（测试）
    expires: 2026-01-31
    grants: {mart_carbon: "*"}
"""
    path.write_text(entries, encoding="utf-8")
    return path


def engine(cluster, consumer: str) -> sqlalchemy.Engine:
    dsn = cluster.dsn("c_" + consumer, PASSWORDS[consumer]).replace("postgresql://", "postgresql+psycopg://")
    return sqlalchemy.create_engine(dsn, poolclass=sqlalchemy.NullPool)


def scalar(eng: sqlalchemy.Engine, sql: str):
    with eng.connect() as con:
        return con.execute(sqlalchemy.text(sql)).scalar()


def test_two_consumers_read_what_their_approvals_grant_and_every_read_is_audited(published, tmp_path, capsys):
    if not has_pgaudit():
        pytest.skip("no PostgreSQL with pgaudit: `make postgres` installs Debian's postgresql-15")
    shared = published.settings.publish_dir / "shared" / "bazhong.duckdb"
    with duckdb.connect(str(shared), read_only=True) as snap:
        co2_total = snap.execute(f"SELECT sum({CO2}) FROM mart_carbon").fetchone()[0]
        fact_rows = snap.execute("SELECT count(*) FROM fct_indicator_observation").fetchone()[0]
        open_fact_rows = snap.execute(
            "SELECT count(*) FROM fct_indicator_observation JOIN dim_indicator USING (indicator_code) "
            "WHERE share_type_zh = '无条件共享'").fetchone()[0]
    assert co2_total and 0 < open_fact_rows < fact_rows
    settings = Settings(data_dir=published.settings.data_dir, exchange_passwords=PASSWORDS,
                        exchange_consumers=consumers(tmp_path / "consumers.yml", "2027-12-31"))
    manifest = dbt_project.manifest_path
    # not under pytest's tmp (mode 0700): the postgres user must reach the cluster's folder
    folder = Path(tempfile.mkdtemp(prefix="bazhong-pg-"))
    try:
        with local_cluster(folder) as cluster:
            pid = cluster.pid
            release = load_release(settings, cluster.dsn(), manifest, "first", date(2027, 1, 1))
            assert release.rows["fct_indicator_observation"] == fact_rows

            # what a BI tool reflects: tables, keys, comments (the dbt YAML's)
            fgw, jtj, old = engine(cluster, "fgw"), engine(cluster, "jtj"), engine(cluster, "old")
            seen = sqlalchemy.inspect(jtj)
            tables = set(seen.get_table_names("marts"))
            assert {"mart_carbon", "fct_indicator_observation", "dim_region"} <= tables
            assert seen.get_pk_constraint("fct_indicator_observation", "marts")["constrained_columns"] == [
                "indicator_code", "ref_area", "time_period", "freq"]
            assert {(tuple(fk["constrained_columns"]), fk["referred_table"]) for fk in
                    seen.get_foreign_keys("fct_indicator_observation", "marts")} >= {
                (("ref_area",), "dim_region"), (("indicator_code",), "dim_indicator")}
            assert "能源活动二氧化碳排放" in seen.get_table_comment("mart_carbon", "marts")["text"]
            assert all(c["comment"] for c in seen.get_columns("mart_carbon", "marts"))

            # 有条件共享: the granted consumer reads the column, the others are refused; rows of
            # conditional indicators are cut by row-level security
            assert scalar(fgw, f"SELECT sum({CO2}) FROM mart_carbon") == pytest.approx(co2_total)
            for refused in (jtj, old):  # not granted; granted by an approval that has expired
                with pytest.raises(ProgrammingError, match="permission denied for table mart_carbon"):
                    scalar(refused, f"SELECT sum({CO2}) FROM mart_carbon")
            assert scalar(jtj, "SELECT count(*) FROM mart_carbon WHERE year = 2023") == 1  # its keys are open
            assert scalar(fgw, "SELECT count(*) FROM fct_indicator_observation") == fact_rows
            assert scalar(jtj, "SELECT count(*) FROM fct_indicator_observation") == open_fact_rows

            # the next publish, a year on: fgw's approval has expired and is revoked, `old` has
            # left the file and loses its login; a reader polling all along never finds the
            # schema missing (the swap is one transaction)
            consumers(settings.exchange_consumers, "2027-12-31", old=False)
            errors, reads, done = [], [0], threading.Event()

            def poll() -> None:
                while not done.is_set():
                    try:
                        assert scalar(jtj, "SELECT count(*) FROM marts.dim_region") > 0
                        reads[0] += 1
                    except Exception as exc:  # noqa: BLE001 - any failure is the finding
                        errors.append(exc)

            reader = threading.Thread(target=poll)
            reader.start()
            try:
                second = load_release(settings, cluster.dsn(), manifest, "second", date(2028, 1, 1))
            finally:
                done.set()
                reader.join()
            assert errors == [] and reads[0] > 0
            assert second.retired_roles == ["c_old"]
            with pytest.raises(sqlalchemy.exc.OperationalError, match="not permitted to log in"):
                scalar(old, "SELECT 1")
            with pytest.raises(ProgrammingError, match="permission denied"):
                scalar(fgw, f"SELECT sum({CO2}) FROM mart_carbon")

            # the audit: who read which table and columns, how many rows; the refused reads
            deadline = time.monotonic() + 10  # the logging collector writes asynchronously
            while True:
                report = audit_report(cluster.log_dir, {"mart_carbon": [CO2, "year", "region_code"]},
                                      {ADMIN_ROLE})
                carbon = {r.role: r for r in report.reads if r.table == "mart_carbon"}
                if ("c_fgw" in carbon and len(report.denied) >= 3) or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert carbon["c_fgw"].columns == {CO2} and carbon["c_fgw"].rows == 1
            assert carbon["c_jtj"].columns == {"year"}
            assert {d.role for d in report.denied} == {"c_jtj", "c_old", "c_fgw"}
            assert all("mart_carbon" in d.message for d in report.denied)
            assert main(["audit-report", "--log-dir", str(cluster.log_dir)]) == 0
            printed = capsys.readouterr().out
            assert "c_fgw" in printed and "mart_carbon" in printed and "拒绝" in printed
            assert "fgw-secret" not in "".join(p.read_text() for p in cluster.log_dir.iterdir())
        assert not Path(f"/proc/{pid}").exists(), "PostgreSQL still running after the block"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_each_publish_loads_the_exchange_database_when_its_dsn_is_set(pipeline):
    """The `published/exchange` asset, as a run with BAZHONG_EXCHANGE_DSN set runs it: the
    release goes in with the sample consumers file's roles; the next run with nothing changed
    leaves it as it is."""
    if not has_pgaudit():
        pytest.skip("no PostgreSQL with pgaudit: `make postgres` installs Debian's postgresql-15")
    import dagster as dg
    import psycopg

    from orchestration.definitions import build_definitions, execute_selection

    folder = Path(tempfile.mkdtemp(prefix="bazhong-pg-"))
    try:
        with local_cluster(folder) as cluster:
            settings = dataclasses.replace(pipeline.settings, exchange_dsn=cluster.dsn())
            defs, instance = build_definitions(settings), dg.DagsterInstance.ephemeral()
            exchange = dg.AssetSelection.assets(dg.AssetKey(["published", "exchange"]))
            first = execute_selection(defs, exchange, instance)
            assert first.success
            [loaded] = first.get_asset_materialization_events()
            metadata = loaded.materialization.metadata
            assert metadata["rows"].value["fct_indicator_observation"] > 2000
            assert set(metadata["roles"].value) >= {"c_fgw", "c_jtj"}  # publishing/consumers.yml
            with psycopg.connect(cluster.dsn()) as con:
                assert con.execute("SELECT count(*) FROM marts.dim_region").fetchone()[0] >= 6
                assert "release" in con.execute("SELECT obj_description('marts'::regnamespace)").fetchone()[0]
            again = execute_selection(defs, exchange, instance)
            assert again.get_asset_materialization_events()[0].materialization.metadata["unchanged"].value
    finally:
        shutil.rmtree(folder, ignore_errors=True)
