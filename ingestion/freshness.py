"""Is a department late? The newest period a dataset's raw table holds, against the newest
period its update cycle (更新周期 in sources.yml) says should be there by today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from .catalog import Dataset, UpdateCycle
from .rules import normalize_name


@dataclass(frozen=True)
class Freshness:
    latest: str | None  # newest period landed ('2024', '2025-11'), None when nothing landed
    expected: str  # newest period due by `today`
    due_by: date  # when `expected` fell due

    @property
    def late(self) -> bool:
        return self.latest is None or self.latest < self.expected

    def describe(self, ds: Dataset) -> str:
        if not self.late:
            return f"{ds.id}: up to date ({self.latest} landed; {self.expected} was due by {self.due_by})"
        latest = f"the newest period landed is {self.latest}" if self.latest else "nothing has landed"
        return (f"{ds.id} from {ds.department} is late: {self.expected} was due by {self.due_by} "
                f"({ds.update_cycle}, {ds.cycle.due_days} days after the period ends); {latest}")


def _period_of(day: date, period: str) -> str:
    return str(day.year) if period == "year" else f"{day.year}-{day.month:02d}"


def _period_end(label: str, period: str) -> date:
    if period == "year":
        return date(int(label), 12, 31)
    year, month = (int(x) for x in label.split("-"))
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _previous(label: str, period: str) -> str:
    if period == "year":
        return str(int(label) - 1)
    year, month = (int(x) for x in label.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def expected_period(cycle: UpdateCycle, today: date) -> tuple[str, date]:
    """The newest period due by `today` (it ended at least due_days ago), and its due date."""
    label = _period_of(today - timedelta(days=cycle.due_days), cycle.period)
    if _period_end(label, cycle.period) + timedelta(days=cycle.due_days) > today:
        label = _previous(label, cycle.period)
    return label, _period_end(label, cycle.period) + timedelta(days=cycle.due_days)


def latest_period(con: duckdb.DuckDBPyConnection, ds: Dataset) -> str | None:
    """The newest period in the landed data: the year field's largest value (a register without
    one: the year of its newest date, e.g. a permit's issue date), or for a feed of monthly
    files, the newest month among the files landed (their names say the month)."""
    if ds.cycle.period == "month":
        uris = con.execute("SELECT DISTINCT source_uri FROM raw.load_log "
                           "WHERE dataset_id = ? AND status = 'landed'", [ds.id]).fetchall()
        months = [m for (uri,) in uris if (m := ds.month_of(uri.rsplit("/", 1)[-1]))]
        return max(months, default=None)
    year_field = next((f.name for f in ds.fields if f.kind == "year"), None)
    if year_field is None:
        date_field = next(f.name for f in ds.fields if f.kind == "date")
        newest = con.execute(f'SELECT max(year("{ds.typed_column(date_field)}")) '
                             f'FROM {ds.raw_table}').fetchall()[0][0]
        return str(newest) if newest is not None else None
    values = con.execute(f'SELECT DISTINCT "{year_field}" FROM {ds.raw_table}').fetchall()
    years = [int(y) for (v,) in values if v and (y := normalize_name(v)).isdigit()]
    return str(max(years)) if years else None


def dataset_freshness(con: duckdb.DuckDBPyConnection, ds: Dataset, today: date) -> Freshness:
    expected, due_by = expected_period(ds.cycle, today)
    try:
        latest = latest_period(con, ds)
    except duckdb.CatalogException:  # nothing landed yet: no raw table, no load log
        latest = None
    return Freshness(latest, expected, due_by)
