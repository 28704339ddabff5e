"""The exchange database's consumers file and audit log, read without a server: a file that
cannot be granted as written is refused with its place named; pgaudit's lines are summarised
per role and table, with the columns a statement names."""

import json
import re
from datetime import date

import pytest

from publishing import audit_report, load_consumers
from publishing.exchange import ExchangeError


def test_the_sample_consumers_file_reads():
    from orchestration.settings import Settings

    consumers = load_consumers(Settings.from_env().exchange_consumers)
    assert {c.role for c in consumers} >= {"c_fgw", "c_jtj"}
    fgw = next(c for c in consumers if c.id == "fgw")
    assert fgw.grants["mart_carbon"] is None and fgw.expires and fgw.active(date(2027, 1, 1))
    assert not fgw.active(date(2099, 1, 1))


@pytest.mark.parametrize(("entry", "says"), [
    ("- {id: Bad-Id, department_zh: d, contact: c, approved_under: a}", "consumer 1 (Bad-Id): `id` must be"),
    ("- {id: x, department_zh: d, contact: c}", "consumer 1 (x): `approved_under` is missing"),
    ("- {id: x, department_zh: d, contact: c, approved_under: a, expires: soon}", "is not a date"),
    ("- {id: x, department_zh: d, contact: c, approved_under: a, grants: {mart_carbon: co2}}",
     'grant of mart_carbon: "*" or a list'),
    ("- {id: x, department_zh: d, contact: c, approved_under: a}\n"
     "  - {id: x, department_zh: d, contact: c, approved_under: a}", "appears twice"),
])
def test_a_consumers_file_that_cannot_be_granted_is_refused_naming_the_place(tmp_path, entry, says):
    path = tmp_path / "consumers.yml"
    path.write_text("consumers:\n  " + entry + "\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match=re.escape(str(path)) + ".*" + re.escape(says)):
        load_consumers(path)


def _line(user: str, message: str, **extra) -> str:
    return json.dumps({"timestamp": "2026-12-07 10:00:00.000 UTC", "user": user, "message": message, **extra},
                      ensure_ascii=False)


def test_the_audit_report_names_each_role_s_tables_columns_and_rows_and_the_refused_reads(tmp_path):
    (tmp_path / "postgresql-2026-12-07.json").write_text("\n".join([
        _line("c_fgw", 'AUDIT: SESSION,1,1,READ,SELECT,TABLE,marts.mart_carbon,'
                       '"SELECT year, co2_emissions_t FROM mart_carbon WHERE year > 2020",<not logged>,4'),
        _line("c_fgw", "AUDIT: SESSION,2,1,READ,SELECT,TABLE,marts.mart_carbon,"
                       "SELECT count(*) FROM mart_carbon,<not logged>,1"),
        _line("c_jtj", "AUDIT: SESSION,1,1,READ,SELECT,TABLE,marts.dim_region,"
                       "SELECT * FROM dim_region,<not logged>,8"),
        _line("c_jtj", "permission denied for table mart_carbon", state_code="42501",
              statement="SELECT co2_emissions_t FROM mart_carbon"),
        _line("bazhong_admin", "AUDIT: SESSION,1,1,READ,SELECT,TABLE,marts.mart_carbon,"
                               "SELECT * FROM mart_carbon,<not logged>,12"),  # the loader: left out
        _line("c_jtj", "AUDIT: SESSION,3,1,MISC,SET,,,SET search_path = marts,<not logged>,0"),
        "{cut by a crash",
    ]), encoding="utf-8")
    report = audit_report(tmp_path, {"mart_carbon": ["year", "region_code", "co2_emissions_t"],
                                     "dim_region": ["region_code"]}, {"bazhong_admin"})
    reads = {(r.role, r.table): r for r in report.reads}
    assert set(reads) == {("c_fgw", "mart_carbon"), ("c_jtj", "dim_region")}
    carbon = reads[("c_fgw", "mart_carbon")]
    assert (carbon.columns, carbon.statements, carbon.rows) == ({"year", "co2_emissions_t"}, 2, 5)
    assert reads[("c_jtj", "dim_region")].columns == {"*"}  # SELECT *: every column it may read
    assert [(d.role, d.statement) for d in report.denied] == [
        ("c_jtj", "SELECT co2_emissions_t FROM mart_carbon")]
