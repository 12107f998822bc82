"""Numbers no count can be, typed into a return or a grid and handed to the service: refused by
the one engine naming the measure, nothing written, never an OverflowError."""

from __future__ import annotations

import pytest

from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.returns import GridRefused, ReturnRefused, quarter_grid, return_form, save_grid, save_return
from tests.excel.test_hostile_files import _fingerprint

Q4 = Quarter.parse("2024/25 Q4")
CEILING = "is more than any strand could support in a quarter (at most 1,000,000); check the figure"

# What was typed, and how the refusal shows it.
TYPED = {
    "99999999999999999999": f"Victims supported: 99,999,999,999,999,999,999 {CEILING}",
    str(2**63): f"Victims supported: 9,223,372,036,854,775,808 {CEILING}",
    str(2**63 - 1): f"Victims supported: 9,223,372,036,854,775,807 {CEILING}",
    "1,000,000,000,000,000": f"Victims supported: 1,000,000,000,000,000 {CEILING}",
    "1e308": "Victims supported: '1e308' is not a whole number",
    "inf": "Victims supported: 'inf' is not a whole number",
    "nan": "Victims supported: 'nan' is not a whole number",
}


def _submitted(db):
    return next(r for r in quarter_grid(db, Q4).rows if r.status is ReturnStatus.SUBMITTED)


@pytest.mark.parametrize("typed", list(TYPED))
def test_saving_a_return_refuses_the_figure_naming_the_measure_and_writes_nothing(demo_db, typed):
    row = _submitted(demo_db)
    before = _fingerprint(demo_db)
    with pytest.raises(ReturnRefused) as refused:
        save_return(demo_db, row.strand_id, Q4, {"victims_supported": typed})
    assert TYPED[typed] in str(refused.value)
    assert _fingerprint(demo_db) == before
    assert return_form(demo_db, row.strand_id, Q4).values == row.values


@pytest.mark.parametrize("typed", list(TYPED))
def test_saving_the_grid_refuses_the_cell_and_writes_nothing(demo_db, typed):
    row = _submitted(demo_db)
    before = _fingerprint(demo_db)
    with pytest.raises(GridRefused) as refused:
        save_grid(demo_db, Q4, {row.strand_id: {"victims_supported": typed}})
    assert list(refused.value.problems) == [row.reference]
    assert f"{row.reference}: {TYPED[typed]}" in str(refused.value)
    assert _fingerprint(demo_db) == before
