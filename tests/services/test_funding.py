"""Funding streams and their yearly budgets: the money the office holds and what is left of it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desktop_app.services.changes import FUNDING
from desktop_app.services.funding import (
    FundingStreamDraft,
    budget_position,
    get_funding_stream,
    list_funding_streams,
    save_funding_stream,
    validate_funding_stream,
)
from desktop_app.services.strands import set_allocations
from desktop_app.services.validation import ValidationFailed
from desktop_app.store.models import AuditEvent, Budget, FundingStream
from tests.services.test_strands import BUDGETS, add_provider, add_strand

DRAFT = FundingStreamDraft(
    name="MoJ victims' services grant 2022–25",
    funder="Ministry of Justice",
    start_date=dt.date(2022, 4, 1),
    end_date=dt.date(2025, 3, 31),
    total_pence=1_400_000_000,
    budgets=BUDGETS,
    notes="Core and General grants",
)


def _draft(**changes) -> FundingStreamDraft:
    values = {field: getattr(DRAFT, field) for field in DRAFT.__dataclass_fields__}
    values.update(changes)
    return FundingStreamDraft(**values)


def _count(db, model) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def _messages(db, draft, stream_id=None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in validate_funding_stream(db, draft, stream_id):
        found.setdefault(error.field, []).append(error.message)
    return found


def test_a_stream_and_its_budgets_read_back_as_saved(db):
    stream_id, changed = save_funding_stream(db, DRAFT)
    assert changed.kinds == {FUNDING}
    [row] = list_funding_streams(db)
    assert row.id == stream_id
    assert row.budgets == {2022: 460_000_000, 2023: 465_000_000, 2024: 475_000_000}
    assert row.budgeted_pence == row.total_pence == 1_400_000_000
    assert row.years == [2022, 2023, 2024]
    assert row.draft == DRAFT


def test_budgets_adding_up_to_more_than_the_total_are_refused_and_nothing_is_written(db):
    draft = _draft(total_pence=1_300_000_000)
    with pytest.raises(ValidationFailed) as refused:
        save_funding_stream(db, draft)
    assert refused.value.messages("budgets") == [
        "The yearly budgets add up to £14,000,000.00, more than the total of £13,000,000.00"
    ]
    assert (_count(db, FundingStream), _count(db, Budget), _count(db, AuditEvent)) == (0, 0, 0)


def test_a_budget_outside_the_streams_dates_or_negative_is_refused(db):
    errors = _messages(db, _draft(budgets=((2021, 10), (2022, -5), (2025, 10))))
    assert errors["budgets"] == [
        "2021/22 is outside the stream's dates (1 Apr 2022 to 31 Mar 2025)",
        "The budget for 2022/23 cannot be negative",
        "2025/26 is outside the stream's dates (1 Apr 2022 to 31 Mar 2025)",
    ]


def test_a_stream_needs_a_unique_name_a_funder_and_to_end_after_it_starts(db):
    save_funding_stream(db, DRAFT)
    errors = _messages(db, _draft(name="moj VICTIMS' services grant 2022–25", funder=" "))
    assert errors == {
        "name": ["A funding stream called 'MoJ victims' services grant 2022–25' already exists"],
        "funder": ["Enter the funder, e.g. Ministry of Justice"],
    }
    backwards = _messages(db, _draft(name="Other", start_date=dt.date(2025, 4, 1)))
    assert backwards == {"end_date": ["The stream ends on 31 Mar 2025, before it starts (1 Apr 2025)"]}


def test_editing_replaces_the_budgets_changing_each_in_place(db):
    stream_id, _ = save_funding_stream(db, DRAFT)
    edited = _draft(budgets=((2022, 450_000_000), (2023, 465_000_000)), total_pence=1_500_000_000)
    save_funding_stream(db, edited, stream_id, who="officer.d")
    row = get_funding_stream(db, stream_id)
    assert row.budgets == {2022: 450_000_000, 2023: 465_000_000}
    assert row.total_pence == 1_500_000_000
    with db.reading() as session:
        budget_events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "budget", AuditEvent.who == "officer.d")
        ).all()
    changes = {(e.action.value, e.field, e.old_value, e.new_value) for e in budget_events}
    assert ("update", "amount_pence", "460000000", "450000000") in changes
    assert ("delete", "amount_pence", "475000000", None) in changes
    assert not any(e.field == "amount_pence" and e.old_value == "465000000" for e in budget_events)


def test_the_budget_position_shows_what_is_left_and_what_is_over(db):
    stream_id, _ = save_funding_stream(db, DRAFT)
    provider_id = add_provider(db)
    first = add_strand(db, provider_id, stream_id, reference="WY-001")
    second = add_strand(db, provider_id, stream_id, reference="WY-002")
    set_allocations(db, first, {2022: 300_000_000, 2023: 200_000_000})
    set_allocations(db, second, {2022: 100_000_000, 2023: 270_000_000}, reason="Agreed at the grant board")
    positions = budget_position(db, stream_id)
    assert [(p.label, p.budget_pence, p.allocated_pence, p.remaining_pence, p.over) for p in positions] == [
        ("2022/23", 460_000_000, 400_000_000, 60_000_000, False),
        ("2023/24", 465_000_000, 470_000_000, -5_000_000, True),
        ("2024/25", 475_000_000, 0, 475_000_000, False),
    ]
    assert get_funding_stream(db, stream_id).allocated == {2022: 400_000_000, 2023: 470_000_000}


def test_every_year_of_the_stream_shows_even_without_a_budget(db):
    stream_id, _ = save_funding_stream(db, _draft(budgets=((2023, 100),)))
    assert [(p.label, p.budget_pence) for p in budget_position(db, stream_id)] == [
        ("2022/23", 0), ("2023/24", 100), ("2024/25", 0)
    ]


def test_a_budget_cannot_be_cut_below_what_strands_already_hold(db):
    stream_id, _ = save_funding_stream(db, DRAFT)
    strand_id = add_strand(db, add_provider(db), stream_id)
    set_allocations(db, strand_id, {2024: 400_000_000})
    errors = _messages(db, _draft(budgets=((2022, 460_000_000), (2023, 465_000_000), (2024, 300_000_000))), stream_id)
    assert errors["budgets"] == [
        "Strands already hold £4,000,000.00 in 2024/25, more than a budget of £3,000,000.00; reduce their allocations first"
    ]


def test_a_streams_dates_cannot_leave_its_strands_outside(db):
    stream_id, _ = save_funding_stream(db, DRAFT)
    add_strand(db, add_provider(db), stream_id, end_date=dt.date(2025, 3, 31))
    errors = _messages(db, _draft(end_date=dt.date(2024, 3, 31), budgets=BUDGETS[:2]), stream_id)
    assert errors == {
        "end_date": ["Strands WY-001 run outside 1 Apr 2022 to 31 Mar 2024; change their dates first"]
    }


def test_the_demo_streams_are_fully_allocated(demo_db):
    # The Core and General grants: together the £14m over 2022/23 to 2024/25.
    streams = list_funding_streams(demo_db)
    assert len(streams) == 2
    by_year = {year: sum(s.budgets[year] for s in streams) for year in (2022, 2023, 2024)}
    assert by_year == {2022: 460_000_000, 2023: 465_000_000, 2024: 475_000_000}
    assert sum(s.strand_count for s in streams) == 72
    for stream in streams:
        assert all(p.remaining_pence == 0 and not p.over for p in budget_position(demo_db, stream.id))
        assert validate_funding_stream(demo_db, stream.draft, stream.id) == []
