"""Raw rows stored as Parquet (ingestion/raw_files.py): the files landing writes, the view DuckDB
reads them through, a crash between writing and logging, and a warehouse from before."""

from datetime import UTC, datetime

import duckdb
import pytest

from ingestion import FetchedFile, load_catalog, raw_files
from ingestion.catalog import SAMPLE_DATA_DIR
from ingestion.landing import land_batches
from tests.helpers import land

AIR = load_catalog()["air_hourly_readings"]
GHG = load_catalog()["ghg_station_hourly"]
SOURCES = load_catalog()["water_drinking_sources"]


def sample(name: str) -> FetchedFile:
    data = (SAMPLE_DATA_DIR / "air" / "hourly" / name).read_bytes()
    return FetchedFile(f"http://portal:8123/air/hourly/{name}", data, datetime.now(UTC))


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as c:
        yield c


def files(tmp_path, ds) -> list[str]:
    return sorted(str(p.relative_to(tmp_path / "raw" / ds.id)) for p in (tmp_path / "raw" / ds.id).rglob("*")
                  if p.is_file())


def test_each_batch_is_a_file_in_its_month_s_folder_read_through_the_view(con, tmp_path):
    first = land(con, AIR, sample("BZ0001A_202502.csv"), tmp_path / "archive")
    second = land(con, AIR, sample("BZ0001A_202503.csv"), tmp_path / "archive")
    assert files(tmp_path, AIR) == [f"month=2025-02/{first.load_id}_0.parquet",
                                    f"month=2025-03/{second.load_id}_0.parquet"]
    # the file's month (its name), not the hour's: hour ending 04-01 00:00 is March's last
    assert con.execute("SELECT month, count(*), max(hour__value) FROM raw.air_hourly_readings "
                       "GROUP BY 1 ORDER BY 1").fetchall() == [
        ("2025-02", 28 * 24, datetime(2025, 3, 1)), ("2025-03", 31 * 24, datetime(2025, 4, 1))]
    assert land(con, AIR, sample("BZ0001A_202503.csv"), tmp_path / "archive").status == "unchanged"
    assert con.execute("SELECT count(*) FROM raw.air_hourly_readings").fetchone()[0] == 59 * 24  # never twice
    columns = [r[0] for r in con.execute("DESCRIBE raw.air_hourly_readings").fetchall()]
    assert columns == [name for name, _, _ in raw_files.raw_columns(AIR)]  # the contract's, and month


def test_a_dataset_without_files_is_an_empty_view_with_every_column(con, tmp_path):
    raw_files.ensure(con, SOURCES)
    assert con.execute("SELECT count(*) FROM raw.water_drinking_sources").fetchone()[0] == 0
    assert "year__value" in {r[0] for r in con.execute("DESCRIBE raw.water_drinking_sources").fetchall()}


@pytest.mark.parametrize("logged", [True, False])
def test_a_batch_staged_when_a_run_died_is_moved_into_place_only_if_it_was_logged(con, tmp_path, logged):
    land(con, AIR, sample("BZ0001A_202502.csv"), tmp_path / "archive")
    folder = tmp_path / "raw" / AIR.id
    # a crash after writing the batch: staged, and (after the commit) in the load log, or not
    con.execute("CREATE TEMP TABLE rows AS SELECT * EXCLUDE (month) REPLACE ('crashed' AS _load_id) "
                "FROM raw.air_hourly_readings")
    raw_files.stage(con, AIR, "rows", folder, "crashed")
    if logged:
        con.execute("INSERT INTO raw.load_log SELECT * REPLACE ('crashed' AS load_id, 'x' AS source_sha256) "
                    "FROM raw.load_log")
    (folder / raw_files.STAGING / "cut-short").mkdir()  # a batch whose file the crash cut short
    (folder / raw_files.STAGING / "cut-short" / "x_0.parquet").write_bytes(b"PAR1 cut")
    seen = con.execute("SELECT count(*) FROM raw.air_hourly_readings").fetchone()[0]
    assert seen == 28 * 24  # staged is not yet seen

    done = raw_files.settle(con, AIR, folder)
    assert done == ([f"{AIR.id}: batch crashed was logged before a crash: moved into place"] if logged else
                    [f"{AIR.id}: batch crashed was not logged before a crash: deleted"]) + [
        f"{AIR.id}: batch cut-short was not logged before a crash: deleted"]
    assert not any((folder / raw_files.STAGING).iterdir())
    assert con.execute("SELECT count(*) FROM raw.air_hourly_readings WHERE _load_id = 'crashed'"
                       ).fetchone()[0] == (28 * 24 if logged else 0)


def test_a_warehouse_from_before_moves_its_table_into_files_at_first_use(con, tmp_path):
    """The table as landing used to keep it; the next landing finds it, writes its rows to
    files by month and replaces it with the view, and lands on top."""
    types = raw_files.column_types(GHG)
    con.execute("CREATE SCHEMA raw")
    con.execute(f"CREATE TABLE raw.{GHG.id} (" + ", ".join(f'"{n}" {t}' for n, t in types.items()) + ")")
    con.execute(f"INSERT INTO raw.{GHG.id} BY NAME SELECT 'GWS' AS station_code, "
                "TIMESTAMP '2024-12-31 23:00' + INTERVAL (i) HOUR AS hour__value, 'V' AS co2_flag, "
                "'V' AS ch4_flag, 'old' AS _load_id, "
                "i AS _row_number, 'http://p/ghg.csv' AS _source_uri, 'x' AS _source_sha256, "
                "now() AS _fetched_at FROM range(3) AS t(i)")
    raw_files.ensure(con, GHG)
    assert files(tmp_path, GHG) == ["month=2024-12/migrated_0.parquet", "month=2025-01/migrated_0.parquet"]
    assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?",
                       [GHG.id]).fetchone() == ("VIEW",)
    assert con.execute(f"SELECT month, count(*) FROM raw.{GHG.id} GROUP BY 1 ORDER BY 1").fetchall() == [
        ("2024-12", 1), ("2025-01", 2)]


def test_batches_landed_by_worker_processes_land_as_one_process_lands_them(tmp_path):
    """land_batches with two workers: the same loads, rows and quarantine as one process, each
    file once; the batches' files are committed in order."""
    names = [f"{s}_2025{m:02d}.csv" for s in ("BZ0001A", "BZ0002A") for m in (2, 3)]
    found = {}
    for workers in (1, 2):
        folder = tmp_path / f"workers-{workers}"
        folder.mkdir()
        with duckdb.connect(str(folder / "warehouse.duckdb")) as c:
            batches = [[sample(n)] for n in names]
            landed = land_batches(c, AIR, batches, folder / "archive", workers)
            results = [r for batch in landed for r in batch]
            assert [r.status for r in results] == ["landed"] * 4
            found[workers] = (
                c.execute("SELECT source_uri, rows_received, rows_landed, cells_quarantined "
                          "FROM raw.load_log ORDER BY 1").fetchall(),
                c.execute("SELECT month, _source_uri, count(*), sum(pm25__value) "
                          "FROM raw.air_hourly_readings GROUP BY ALL ORDER BY ALL").fetchall(),
                c.execute("SELECT rule, field, message FROM raw.quarantine ORDER BY ALL").fetchall(),
                len(files(folder, AIR)))
    assert found[2] == found[1] and found[1][3] == 4 and len(found[1][1]) == 4
