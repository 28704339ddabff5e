"""The dashboard's numbers: shown at the precision that decides the status."""

import pytest

from publishing.dashboard import deciding_decimals


@pytest.mark.parametrize(("value", "target", "decimals", "shown"), [
    (99.88, 99.9, 1, 2),    # 99.9 would read as met; 99.88 shows why it is not
    (99.9, 99.9, 1, 1),     # equal: the catalog's decimals
    (41.2, 41.5, 1, 1),     # already apart
    (40.4995, 40.5, 2, 3),  # 40.50 vs 40.50 → 40.499
    (None, 41.5, 1, 1),
])
def test_values_are_shown_at_the_precision_that_decides_the_status(value, target, decimals, shown):
    assert deciding_decimals(value, target, decimals) == shown
