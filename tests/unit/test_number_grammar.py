"""The landing contract's number grammar (ingestion/rules.py), property-tested through the one
engine that applies it: cells are built from a known number in the ways departments write it
(signs, thousands separators, full-width or Arabic-Indic digits, white space, units) and must land as
that number in the typed column; cells that are damaged (exponents, '_', stray text) must be
quarantined as not_a_number, never read as some other number."""

from datetime import UTC, datetime
from decimal import Decimal

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingestion import FetchedFile, load_catalog
from tests.helpers import land

DOMESTIC = load_catalog()["waste_domestic_waste"]  # collected: declared 万吨, typed in t, min 0
HEADER = "年份,县区,生活垃圾清运量(万吨),无害化处理量(万吨),数据说明\n"
DIGITS = [str.maketrans("", ""), str.maketrans("0123456789.,-+", "０１２３４５６７８９．，－＋"),
          str.maketrans("0123456789.,", "٠١٢٣٤٥٦٧٨٩٫٬"), str.maketrans("0123456789.,", "۰۱۲۳۴۵۶۷۸۹٫٬")]
SPACES = ["", " ", "\u00a0", "\u3000", "\t"]
# suffix → factor into t for a 万吨 field (a bare 万 or 亿 there is ambiguous: unit_mismatch)
SUFFIXES = {"": 1e4, "万吨": 1e4, "吨": 1.0, "t": 1.0, "万t": 1e4}
MAX_T = DOMESTIC.field("collected").max * 1e4  # the declared plausible maximum, in t


def land_cells(tmp_path, cells: list[str]) -> list[tuple[float | None, str | None]]:
    """(typed value, quarantine rule) of each cell, landed as one file (a row per cell)."""
    text = HEADER + "".join(f'{1990 + i},巴州区,"{cell}",0,\n' for i, cell in enumerate(cells))
    with duckdb.connect() as con:
        land(con, DOMESTIC, FetchedFile("http://p/x.csv", text.encode(), datetime.now(UTC)), tmp_path)
        typed = dict(con.execute("SELECT _row_number, collected__value "
                                 "FROM raw.waste_domestic_waste").fetchall())
        rules = dict(con.execute("SELECT row_number, rule FROM raw.quarantine").fetchall())
    return [(typed.get(line), rules.get(line)) for line in range(2, len(cells) + 2)]


def land_cell(tmp_path, cell: str) -> tuple[float | None, str | None]:
    return land_cells(tmp_path, [cell])[0]


def grouped(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ",".join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


@st.composite
def written_numbers(draw):
    whole = draw(st.integers(min_value=0, max_value=10**9))
    fraction = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=4)))
    sign = draw(st.sampled_from(["", "+", "-"]))
    suffix = draw(st.sampled_from(sorted(SUFFIXES)))
    digits = grouped(str(whole)) if draw(st.booleans()) and whole >= 1000 else str(whole)
    number = digits + (f".{fraction}" if fraction else "")
    number = number.translate(draw(st.sampled_from(DIGITS)))
    space = draw(st.sampled_from(SPACES))
    cell = draw(st.sampled_from([f"{sign}{number}{suffix}", f"{space}{sign}{number}{space}{suffix}{space}"]))
    value = Decimal(f"{whole}.{fraction or 0}") * (-1 if sign == "-" else 1)
    return cell, float(value) * SUFFIXES[suffix]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(written_numbers(), min_size=1, max_size=30))
def test_a_number_written_any_accepted_way_lands_as_that_number(tmp_path, examples):
    for (cell, expected), (typed, rule) in zip(examples, land_cells(tmp_path, [c for c, _ in examples]),
                                               strict=True):
        if expected < 0:
            assert (typed, rule) == (None, "below_minimum"), cell
        elif expected > MAX_T:
            assert (typed, rule) == (None, "above_maximum"), cell
        else:
            assert rule is None and abs(typed - expected) <= 1e-9 * max(1.0, abs(expected)), (cell, typed)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.builds(lambda m, e: f"{m}e{e}", st.integers(1, 999), st.integers(-5, 9)),          # exponents
    st.builds(lambda a, b: f"{a}_{b:03d}", st.integers(1, 999), st.integers(0, 999)),     # '_'
    st.builds(lambda a, b: f"{a}.{b}.{a}", st.integers(0, 99), st.integers(0, 99)),       # two points
    st.builds(lambda a: f"{a}1", st.sampled_from(["abc", "x", "约", "nan", "inf"])),       # text first
    st.sampled_from(["nan", "inf", "-inf", "1,00", "12,3456", "--1", "+-1", ".", "1.", "1,000.5.2"]),
), min_size=1, max_size=30))
def test_a_damaged_cell_is_not_a_number_and_never_read_as_another(tmp_path, cells):
    for cell, found in zip(cells, land_cells(tmp_path, cells), strict=True):
        assert found == (None, "not_a_number"), cell


def test_missing_markers_land_as_no_value_and_units_that_do_not_convert_are_named(tmp_path):
    for marker in ["", "-", "—", "－", "…", "...", "/", "空", " \u3000 "]:
        assert land_cell(tmp_path, marker) == (None, "required_missing"), marker
    assert land_cell(tmp_path, "3kg") == (None, "unit_mismatch")
    assert land_cell(tmp_path, "3 万千瓦") == (None, "unit_mismatch")
    assert land_cell(tmp_path, "0x10")[0] is None  # hexadecimal: a unit "x10" nobody converts
    # 12万 under a 万吨 heading: 12 万吨, or 12万 万吨? Asked, not guessed.
    assert land_cell(tmp_path, "12万") == (None, "unit_mismatch")
    assert land_cell(tmp_path, "12亿") == (None, "unit_mismatch")


def test_a_magnitude_in_a_field_without_one_multiplies():
    from ingestion.reference import unit_factors
    organs = load_catalog()["public_institutions_resource_saving"].field("organs_direct")  # no unit
    households = load_catalog()["water_rural_environment"].field("demo_households")  # 户
    assert unit_factors(organs)["万"] == 1e4 and unit_factors(households)["万户"] == 1e4
    assert unit_factors(households)["万"] == 1e4
