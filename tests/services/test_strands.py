"""Strands and their allocations: the register officers build the year from, and its budget guard."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desktop_app.core.vocabulary import AgreementType, OrganisationType, Scope
from desktop_app.services.changes import ALLOCATIONS, STRANDS
from desktop_app.services.funding import (
    FundingStreamDraft,
    budget_position,
    save_funding_stream,
)
from desktop_app.services.providers import ProviderDraft, save_provider
from desktop_app.services.strands import (
    StrandDraft,
    get_strand,
    list_strands,
    next_strand_reference,
    save_strand,
    set_allocations,
    validate_strand,
)
from desktop_app.services.validation import OverAllocationError, ValidationFailed
from desktop_app.store.models import Allocation, AuditEvent, Strand

BUDGETS = ((2022, 460_000_000), (2023, 465_000_000), (2024, 475_000_000))


# ---------------------------------------------------------------- builders other tests share


def add_stream(db, name="MoJ victims' services grant 2022–25", budgets=BUDGETS) -> int:
    draft = FundingStreamDraft(
        name=name,
        funder="Ministry of Justice",
        start_date=dt.date(2022, 4, 1),
        end_date=dt.date(2025, 3, 31),
        total_pence=1_400_000_000,
        budgets=budgets,
    )
    return save_funding_stream(db, draft)[0]


def add_provider(db, name="Bradford Women's Aid") -> int:
    draft = ProviderDraft(name=name, organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL, district_keys=("bradford",))
    return save_provider(db, draft)[0]


def strand_draft(provider_id: int, stream_id: int, **changes) -> StrandDraft:
    values = dict(
        reference="WY-001",
        provider_id=provider_id,
        funding_stream_id=stream_id,
        name="Bradford IDVA service",
        service_category_key="idva",
        agreement_type=AgreementType.CONTRACT,
        start_date=dt.date(2022, 4, 1),
        end_date=dt.date(2025, 3, 31),
        priority_number=1,
        theme_keys=("women_girls",),
        district_keys=("bradford",),
    )
    values.update(changes)
    return StrandDraft(**values)


def add_strand(db, provider_id: int, stream_id: int, **changes) -> int:
    return save_strand(db, strand_draft(provider_id, stream_id, **changes))[0]


@pytest.fixture
def register(db):
    """A stream with £14m budgeted over three years, and one provider."""
    return {"stream": add_stream(db), "provider": add_provider(db)}


def _allocation_rows(db):
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Allocation))


def _audit_rows(db):
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


# ---------------------------------------------------------------- strands


def test_a_saved_strand_reads_back_with_names_and_labels(db, register):
    strand_id, changed = save_strand(db, strand_draft(register["provider"], register["stream"], reference="wy-001"))
    row = get_strand(db, strand_id)
    assert changed.kinds == {STRANDS}
    assert row.reference == "WY-001"  # references are kept in capitals
    assert row.provider_name == "Bradford Women's Aid"
    assert row.funding_stream_name == "MoJ victims' services grant 2022–25"
    assert row.service_category.startswith("Independent domestic violence")
    assert row.priority.startswith("1. Supporting Victims and Witnesses")
    assert row.themes == ("The Safety of Women and Girls",)
    assert row.districts == ("Bradford",)
    assert row.allocations == {}
    assert row.draft == strand_draft(register["provider"], register["stream"])


def test_editing_a_strand_changes_it_in_place(db, register):
    strand_id = add_strand(db, register["provider"], register["stream"])
    draft = strand_draft(
        register["provider"], register["stream"], name="Bradford and Keighley IDVA", priority_number=None,
        theme_keys=(), district_keys=("bradford", "leeds"), agreement_type=AgreementType.GRANT,
    )
    assert save_strand(db, draft, strand_id)[0] == strand_id
    row = get_strand(db, strand_id)
    assert (row.name, row.priority, row.themes, row.districts) == ("Bradford and Keighley IDVA", "", (), ("Bradford", "Leeds"))
    assert row.agreement_type == AgreementType.GRANT
    assert [r.id for r in list_strands(db)] == [strand_id]


def test_the_next_reference_follows_the_newest_strand(db, register):
    assert next_strand_reference(db) == "WY-001"
    add_strand(db, register["provider"], register["stream"], reference="WY-071")
    add_strand(db, register["provider"], register["stream"], reference="WY-072")
    assert next_strand_reference(db) == "WY-073"
    add_strand(db, register["provider"], register["stream"], reference="WY-074")
    add_strand(db, register["provider"], register["stream"], reference="WY-010")  # typed by hand, out of order
    assert next_strand_reference(db) == "WY-075"


def _messages(db, draft, strand_id=None):
    return {error.field: error.message for error in validate_strand(db, draft, strand_id)}


def test_a_strand_without_its_essentials_is_refused_field_by_field(db, register):
    draft = strand_draft(0, 0, reference="", name="  ", service_category_key="", priority_number=9,
                         theme_keys=("nonsense",), district_keys=("york",))
    errors = _messages(db, draft)
    assert set(errors) == {
        "reference", "provider_id", "funding_stream_id", "name", "service_category_key",
        "priority_number", "theme_keys", "district_keys",
    }
    assert errors["provider_id"] == "Choose the provider"
    assert errors["district_keys"] == "'york' is not one of the districts"


@pytest.mark.parametrize("reference", ["WY 001", "WY_001", "-WY", "W" * 21, "WY--1"])
def test_a_badly_formed_reference_is_refused(db, register, reference):
    errors = _messages(db, strand_draft(register["provider"], register["stream"], reference=reference))
    assert errors == {"reference": "Use letters, digits and hyphens, up to 20 characters, e.g. WY-001"}


def test_a_reference_already_used_is_refused_whatever_its_case(db, register):
    strand_id = add_strand(db, register["provider"], register["stream"])
    draft = strand_draft(register["provider"], register["stream"], reference="wy-001")
    assert _messages(db, draft) == {"reference": "Strand WY-001 already exists; choose another reference"}
    assert _messages(db, draft, strand_id) == {}  # its own reference is no clash


def test_strand_dates_must_lie_within_the_funding_stream(db, register):
    early = strand_draft(register["provider"], register["stream"], start_date=dt.date(2022, 3, 31))
    late = strand_draft(register["provider"], register["stream"], end_date=dt.date(2025, 4, 1))
    backwards = strand_draft(register["provider"], register["stream"], start_date=dt.date(2023, 1, 1), end_date=dt.date(2022, 12, 31))
    assert "must fall within the funding stream" in _messages(db, early)["start_date"]
    assert "1 Apr 2022 to 31 Mar 2025" in _messages(db, early)["start_date"]
    assert "must fall within the funding stream" in _messages(db, late)["end_date"]
    assert _messages(db, backwards) == {"end_date": "The strand ends on 31 Dec 2022, before it starts (1 Jan 2023)"}
    with pytest.raises(ValidationFailed):
        save_strand(db, early)
    assert list_strands(db) == []


def test_a_strand_with_allocations_cannot_drop_their_years_or_change_stream(db, register):
    strand_id = add_strand(db, register["provider"], register["stream"])
    set_allocations(db, strand_id, {2022: 100_000_00})
    other = add_stream(db, name="Ministry of Justice RJ grant")
    moved = _messages(db, strand_draft(register["provider"], other), strand_id)
    assert "remove them before moving it" in moved["funding_stream_id"]
    shortened = _messages(db, strand_draft(register["provider"], register["stream"], start_date=dt.date(2023, 4, 1)), strand_id)
    assert shortened["start_date"] == "The strand has an allocation in 2022/23, so its dates must still cover that year"


def test_one_providers_strands_can_be_listed(db, register):
    other = add_provider(db, "Leeds Victim Care")
    add_strand(db, register["provider"], register["stream"], reference="WY-001")
    add_strand(db, other, register["stream"], reference="WY-002")
    assert [r.reference for r in list_strands(db, provider_id=other)] == ["WY-002"]


# ---------------------------------------------------------------- allocations


def test_allocations_show_in_the_strand_and_the_budget_position(db, register):
    strand_id = add_strand(db, register["provider"], register["stream"])
    changed = set_allocations(db, strand_id, {2022: 150_000_00, 2023: 160_000_00})
    assert changed.kinds == {ALLOCATIONS}
    assert get_strand(db, strand_id).allocations == {2022: 150_000_00, 2023: 160_000_00}
    position = {p.financial_year: p for p in budget_position(db, register["stream"])}
    assert position[2022].remaining_pence == 460_000_000 - 150_000_00
    assert position[2024].allocated_pence == 0


def test_zero_or_a_missing_year_removes_an_allocation(db, register):
    strand_id = add_strand(db, register["provider"], register["stream"])
    set_allocations(db, strand_id, {2022: 100, 2023: 200, 2024: 300})
    set_allocations(db, strand_id, {2022: 0, 2023: 250})
    assert get_strand(db, strand_id).allocations == {2023: 250}


def test_over_allocating_is_refused_without_a_reason_and_nothing_is_written(db, register):
    first = add_strand(db, register["provider"], register["stream"], reference="WY-001")
    second = add_strand(db, register["provider"], register["stream"], reference="WY-002")
    set_allocations(db, first, {2023: 460_000_000})
    before = (_allocation_rows(db), _audit_rows(db))
    with pytest.raises(OverAllocationError) as refused:
        set_allocations(db, second, {2022: 1_000_00, 2023: 62_500_00})
    assert str(refused.value) == "2023/24 would be £12,500.00 over its budget of £4,650,000.00."
    [year] = refused.value.years
    assert (year.financial_year, year.budget_pence, year.allocated_pence, year.over_pence) == (2023, 465_000_000, 466_250_000, 1_250_000)
    assert (_allocation_rows(db), _audit_rows(db)) == before
    assert get_strand(db, second).allocations == {}


def test_over_allocating_with_a_reason_is_saved_and_the_reason_audited(db, register):
    strand_id = add_strand(db, register["provider"], register["stream"])
    set_allocations(db, strand_id, {2024: 480_000_000}, reason="  CFO agreed underspend from 2023/24  ", who="officer.b")
    assert get_strand(db, strand_id).allocations == {2024: 480_000_000}
    position = {p.financial_year: p for p in budget_position(db, register["stream"])}
    assert position[2024].over and position[2024].remaining_pence == -5_000_000
    with db.reading() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.entity == "allocation")).all()
    assert rows and {(r.reason, r.who) for r in rows} == {("CFO agreed underspend from 2023/24", "officer.b")}


def test_lowering_an_allocation_in_a_year_already_over_needs_no_reason(db, register):
    strand_id = add_strand(db, register["provider"], register["stream"])
    set_allocations(db, strand_id, {2022: 470_000_000}, reason="Carry-forward agreed")
    set_allocations(db, strand_id, {2022: 465_000_000})
    assert get_strand(db, strand_id).allocations == {2022: 465_000_000}


def test_a_year_outside_the_stream_or_the_strand_cannot_be_allocated(db, register):
    strand_id = add_strand(db, register["provider"], register["stream"], start_date=dt.date(2023, 4, 1))
    with pytest.raises(ValidationFailed) as refused:
        set_allocations(db, strand_id, {2025: 100, 2022: 100, 2023: -1}, reason="anything")
    assert refused.value.messages("amounts") == [
        "WY-001 does not run in 2022/23, so it cannot be allocated money then",
        "The allocation for 2023/24 cannot be negative",
        "2025/26 is outside MoJ victims' services grant 2022–25 (1 Apr 2022 to 31 Mar 2025)",
    ]
    assert _allocation_rows(db) == 0


# ---------------------------------------------------------------- the demo register


def test_the_demo_strands_list_with_their_allocations(demo_db):
    rows = list_strands(demo_db)
    assert len(rows) == 72
    assert sum(r.allocated_pence for r in rows) == 1_400_000_000
    assert rows[0].reference == "WY-001" and rows[-1].reference == "WY-072"
    assert all(r.provider_name and r.service_category and r.priority and r.districts for r in rows)
    assert next_strand_reference(demo_db) == "WY-073"


def test_a_demo_strand_saves_unchanged_without_an_audit_row(demo_db):
    row = list_strands(demo_db)[0]
    before = _audit_rows(demo_db)
    save_strand(demo_db, row.draft, row.id)
    assert _audit_rows(demo_db) == before
    assert get_strand(demo_db, row.id) == row


def test_listing_strands_takes_a_fixed_number_of_queries(demo_db):
    from sqlalchemy import event

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(demo_db.engine, "before_cursor_execute", listener)
    try:
        list_strands(demo_db)
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 5
    with demo_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Strand)) == 72
