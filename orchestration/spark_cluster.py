"""A standalone Spark cluster on this machine, from the pyspark wheel alone: a master, workers
and a Thrift server (the JDBC/ODBC endpoint dbt-spark's `thrift` method and BI tools connect
to), each its own JVM on 127.0.0.1, stopped by its process id. For the cluster test and the
benchmark: the shape a real cluster has (dbt → Thrift server → master → executors on workers),
on one machine. A deployment runs the same processes on its own machines.
Needs Java 17 and the Spark tier (`make spark`)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# integer kinds count as one when the engines' marts are compared: Spark has no HUGEINT, and
# DuckDB's year() is BIGINT
INTEGERS = {"INTEGER", "BIGINT", "HUGEINT"}
START_SECONDS = 180  # a cold JVM with the Hive metastore takes 20-40 s on 2 cores


@dataclass
class SparkCluster:
    folder: Path  # logs, the workers' scratch space, the warehouse and the metastore
    master_url: str
    thrift_port: int
    pids: dict[str, int] = field(default_factory=dict)

    @property
    def warehouse_dir(self) -> Path:
        return self.folder / "warehouse"

    def dbt_vars(self) -> dict[str, str]:
        """dbt's `spark_thrift` target pointed at this cluster's Thrift server."""
        return {"spark_thrift_host": "127.0.0.1", "spark_thrift_port": str(self.thrift_port)}

    def marts_differing(self, warehouse: Path, marts: dict[str, list[str]]) -> dict[str, dict[str, int]]:
        """mart → column → rows where this cluster's table differs from the DuckDB warehouse's
        (`marts`: each mart's key columns; a row present in one only counts in every column);
        asserts both have the same columns, kinds of type (integers as one) and rows."""
        import duckdb

        con = duckdb.connect()
        con.execute(f"ATTACH '{warehouse}' AS duck (READ_ONLY)")
        found = {}
        for mart, key in marts.items():
            spark = f"read_parquet('{self.warehouse_dir}/marts.db/{mart}/*.parquet')"
            kinds = [[(name, "integer" if kind in INTEGERS else kind) for name, kind, *_ in
                      con.execute(f"DESCRIBE {relation}").fetchall()]
                     for relation in (f"duck.marts.{mart}", f"SELECT * FROM {spark}")]
            assert kinds[0] == kinds[1], (mart, kinds)
            rows = con.execute(f"SELECT count(*) FROM duck.marts.{mart}").fetchall()[0][0]
            spark_rows = con.execute(f"SELECT count(*) FROM {spark}").fetchall()[0][0]
            assert rows > 0 and spark_rows == rows, (mart, rows, spark_rows)
            found[mart] = {c: n for c, _ in kinds[0] if (n := con.execute(
                f"SELECT count(*) FROM duck.marts.{mart} AS d FULL JOIN {spark} AS s "
                f"USING ({', '.join(key)}) WHERE d.{c} IS DISTINCT FROM s.{c}").fetchall()[0][0])}
        con.close()
        return {mart: cols for mart, cols in found.items() if cols}


def spark_home() -> Path:
    import pyspark  # the Spark tier only

    return Path(pyspark.__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(cluster: SparkCluster, name: str, command: list[str], env: dict[str, str]) -> None:
    log = (cluster.folder / "logs" / f"{name}.log").open("wb")
    # its own process group, so stopping it stops the JVM the launcher script execs or spawns
    cluster.pids[name] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                          start_new_session=True).pid


def _wait_for_port(cluster: SparkCluster, name: str, port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        try:
            os.kill(cluster.pids[name], 0)
        except ProcessLookupError:
            raise RuntimeError(f"Spark {name} exited while starting; see "
                               f"{cluster.folder / 'logs' / (name + '.log')}") from None
        time.sleep(0.5)
    raise TimeoutError(f"Spark {name} did not listen on 127.0.0.1:{port} within {START_SECONDS} s; see "
                       f"{cluster.folder / 'logs' / (name + '.log')}")


def stop(cluster: SparkCluster) -> None:
    """Stop every process of the cluster by its id (Thrift server first, master last)."""
    for pid in reversed(list(cluster.pids.values())):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    for pid in cluster.pids.values():
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG)[0]:
                    break
            except ChildProcessError:
                break
            time.sleep(0.2)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    cluster.pids.clear()


@contextlib.contextmanager
def local_cluster(folder: Path, workers: int = 2, cores_per_worker: int = 1,
                  executor_memory: str = "1g", conf: dict[str, str] | None = None) -> Iterator[SparkCluster]:
    """A master, `workers` workers and a Thrift server on 127.0.0.1, started from the wheel;
    stopped (by process id) when the block ends, however it ends."""
    home = spark_home()
    folder = folder.resolve()
    for sub in ("logs", "work", "warehouse"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    env = os.environ | {"SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
                        "SPARK_LOG_DIR": str(folder / "logs"), "SPARK_NO_DAEMONIZE": "1",
                        # no REST submission server on its fixed port 6066
                        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false"}
    master_port, thrift_port = free_port(), free_port()
    cluster = SparkCluster(folder, f"spark://127.0.0.1:{master_port}", thrift_port)
    spark_class = str(home / "bin" / "spark-class")
    settings = {
        "spark.sql.warehouse.dir": str(cluster.warehouse_dir),
        # the metastore (embedded Derby) and its log inside the folder, not the working directory
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={folder / 'metastore_db'};create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.stream.error.file={folder / 'derby.log'}",
        "spark.driver.host": "127.0.0.1",
        "spark.executor.memory": executor_memory,
        "spark.cores.max": str(workers * cores_per_worker),
        # local time, as the feeds write it (naive hour labels): casts to dates agree with DuckDB
        "spark.sql.session.timeZone": "Asia/Shanghai",
        "spark.ui.enabled": "false",
    } | (conf or {})
    deadline = time.monotonic() + START_SECONDS
    try:
        _start(cluster, "master", [spark_class, "org.apache.spark.deploy.master.Master",
                                   "--host", "127.0.0.1", "--port", str(master_port),
                                   "--webui-port", str(free_port())], env)
        _wait_for_port(cluster, "master", master_port, deadline)
        for i in range(1, workers + 1):
            _start(cluster, f"worker{i}", [
                spark_class, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                "--cores", str(cores_per_worker), "--memory", executor_memory, "--webui-port", "0",
                "--work-dir", str(folder / "work"), cluster.master_url], env)
        _start(cluster, "thrift", [
            str(home / "bin" / "spark-submit"), "--master", cluster.master_url,
            "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
            *[a for key, value in settings.items() for a in ("--conf", f"{key}={value}")],
            "--hiveconf", f"hive.server2.thrift.port={thrift_port}",
            "--hiveconf", "hive.server2.thrift.bind.host=127.0.0.1",
            "spark-internal"], env)
        _wait_for_port(cluster, "thrift", thrift_port, deadline)
        yield cluster
    finally:
        stop(cluster)
