"""Amounts no grant comes near, handed to the funding and allocation services: refused naming
the field and the ceiling, nothing written, never an OverflowError (the service checks again
what the form checked)."""

from __future__ import annotations

import pytest

from desktop_app.services.funding import save_funding_stream
from desktop_app.services.strands import get_strand, set_allocations
from desktop_app.services.validation import ValidationFailed
from tests.excel.test_hostile_files import _fingerprint
from tests.services.test_funding import _draft
from tests.services.test_strands import add_strand, register  # noqa: F401 - a stream and a provider

CEILING = "is more than any one amount here can be (at most £20,000,000.00); check the figure"
HUGE = {
    "2**63": (2**63, "£92,233,720,368,547,758.08"),
    "2**63-1": (2**63 - 1, "£92,233,720,368,547,758.07"),
    "10**15": (10**15, "£10,000,000,000,000.00"),
    "a penny over": (2_000_000_001, "£20,000,000.01"),
    "99999999999999999999 pounds": (99999999999999999999 * 100, "a 22-digit number"),
}


@pytest.mark.parametrize("case", list(HUGE))
def test_a_funding_stream_total_or_budget_above_the_ceiling_is_refused_by_field(db, case):
    pence, shown = HUGE[case]
    before = _fingerprint(db)
    with pytest.raises(ValidationFailed) as refused:
        save_funding_stream(db, _draft(total_pence=pence))
    assert refused.value.messages("total_pence") == [f"The total of {shown} {CEILING}"]
    with pytest.raises(ValidationFailed) as refused:
        save_funding_stream(db, _draft(budgets=((2022, pence), (2023, 1), (2024, 1))))
    assert refused.value.messages("budgets") == [f"The budget for 2022/23 of {shown} {CEILING}"]
    assert _fingerprint(db) == before


@pytest.mark.parametrize("case", list(HUGE))
def test_an_allocation_above_the_ceiling_is_refused_naming_the_year(db, register, case):  # noqa: F811
    pence, shown = HUGE[case]
    strand_id = add_strand(db, register["provider"], register["stream"])
    before = _fingerprint(db)
    with pytest.raises(ValidationFailed) as refused:
        set_allocations(db, strand_id, {2023: pence}, reason="testing the ceiling")
    assert refused.value.messages("amounts") == [f"The allocation for 2023/24 of {shown} {CEILING}"]
    assert _fingerprint(db) == before
    assert get_strand(db, strand_id).allocations == {}


def test_the_ceiling_itself_can_be_allocated_with_a_reason(db, register):  # noqa: F811
    strand_id = add_strand(db, register["provider"], register["stream"])
    set_allocations(db, strand_id, {2023: 2_000_000_000}, reason="the whole year's grant and more")
    assert get_strand(db, strand_id).allocations == {2023: 2_000_000_000}
