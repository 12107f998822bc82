"""A record's history, as the History button shows it: when, who, which field, old -> new, why."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.vocabulary import OrganisationType, Scope
from desktop_app.services.funding import get_funding_stream, save_funding_stream
from desktop_app.services.history import (
    funding_stream_history,
    provider_history,
    strand_history,
)
from desktop_app.services.providers import (
    ProviderDraft,
    delete_provider,
    save_provider,
    set_provider_active,
)
from desktop_app.services.strands import get_strand, save_strand, set_allocations
from tests.services.test_strands import (
    add_provider,
    add_strand,
    add_stream,
    strand_draft,
)


def _changes(entries):
    return [(e.action, e.record, e.field, e.old, e.new) for e in entries]


def test_a_provider_edit_reads_in_the_officers_words(db):
    draft = ProviderDraft(name="Calder Aid", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL)
    provider_id, _ = save_provider(db, draft, who="officer.a")
    edited = ProviderDraft(
        name="Calder Aid", organisation_type=OrganisationType.LOCAL_AUTHORITY, scope=Scope.LOCAL,
        district_keys=("calderdale", "kirklees"), contact_phone="01422960123",
    )
    save_provider(db, edited, provider_id, who="officer.b")
    set_provider_active(db, provider_id, False, who="officer.b")
    entries = provider_history(db, provider_id)
    assert _changes(entries[:1]) == [("Changed", "Provider", "Active", "Yes", "No")]
    assert set(_changes(entries[1:4])) == {
        ("Changed", "Provider", "Organisation type", "CVSE", "Local authority"),
        ("Changed", "Provider", "Contact phone", "—", "01422 960123"),
        ("Changed", "Provider", "Districts served", "—", "Calderdale, Kirklees"),
    }
    assert entries[0].who == "officer.b"
    created = [e for e in entries if e.action == "Created"]
    assert {e.field: e.new for e in created} == {"Name": "Calder Aid", "Organisation type": "CVSE", "Scope": "Local", "Active": "Yes"}
    assert {e.who for e in created} == {"officer.a"}
    assert entries[0].at.tzinfo is not None  # shown in local time, stored in UTC
    assert abs(entries[0].at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_a_strand_history_shows_names_dates_and_its_allocations_with_the_reason(db):
    stream_id = add_stream(db)
    provider_id = add_provider(db)
    other_provider = add_provider(db, "Leeds Victim Care")
    strand_id = add_strand(db, provider_id, stream_id)
    save_strand(db, strand_draft(other_provider, stream_id, end_date=dt.date(2024, 3, 31)), strand_id)
    set_allocations(db, strand_id, {2022: 100_000_00, 2023: 200_000_00})
    set_allocations(db, strand_id, {2023: 470_000_000}, reason="Agreed by the CFO, 3 May 2023", who="officer.e")
    entries = strand_history(db, strand_id)
    assert set(_changes(entries[:2])) == {
        ("Changed", "Allocation 2023/24", "Amount", "£200,000.00", "£4,700,000.00"),
        ("Deleted", "Allocation 2022/23", "Amount", "£100,000.00", "—"),
    }
    assert {e.reason for e in entries[:2]} == {"Agreed by the CFO, 3 May 2023"}
    assert {e.who for e in entries[:2]} == {"officer.e"}
    changed = {(e.field, e.old, e.new) for e in entries if e.record == "Strand" and e.action == "Changed"}
    assert ("Provider", "Bradford Women's Aid", "Leeds Victim Care") in changed
    assert ("End date", "31 Mar 2025", "31 Mar 2024") in changed
    assert ("Allocation 2022/23", "Amount", "—", "£100,000.00") in {(e.record, e.field, e.old, e.new) for e in entries}
    assert entries == sorted(entries, key=lambda e: e.at, reverse=True)
    assert not any(e.field in ("strand_id", "financial_year") for e in entries)


def test_a_funding_stream_history_includes_its_budgets_in_pounds(db):
    stream_id = add_stream(db)
    draft = get_funding_stream(db, stream_id).draft
    edited = type(draft)(**{**draft.__dict__, "budgets": ((2022, 450_000_000), (2023, 465_000_000)), "name": "MoJ grant"})
    save_funding_stream(db, edited, stream_id)
    entries = funding_stream_history(db, stream_id)
    changes = _changes(entries)
    assert ("Changed", "Budget 2022/23", "Budget", "£4,600,000.00", "£4,500,000.00") in changes
    assert ("Deleted", "Budget 2024/25", "Budget", "£4,750,000.00", "—") in changes
    assert ("Changed", "Funding stream", "Name", "MoJ victims' services grant 2022–25", "MoJ grant") in changes
    assert ("Created", "Funding stream", "Total", "—", "£14,000,000.00") in changes
    assert ("Created", "Funding stream", "Start date", "—", "1 Apr 2022") in changes


def test_a_new_record_after_a_deletion_does_not_inherit_its_history(db):
    # Audited tables use AUTOINCREMENT, so a deleted record's id is never handed out again.
    first, _ = save_provider(db, ProviderDraft("Old Name Trust", OrganisationType.CVSE, Scope.LOCAL))
    delete_provider(db, first)
    second, _ = save_provider(db, ProviderDraft("New Start CIC", OrganisationType.PRIVATE, Scope.LOCAL))
    assert second != first
    names = {e.new for e in provider_history(db, second) if e.field == "Name"} | {
        e.old for e in provider_history(db, second) if e.field == "Name"
    }
    assert names == {"New Start CIC", "—"}


def test_a_deleted_allocation_stays_with_its_own_strand(db):
    stream_id, provider_id = add_stream(db), add_provider(db)
    mine = add_strand(db, provider_id, stream_id, reference="WY-001")
    theirs = add_strand(db, provider_id, stream_id, reference="WY-002")
    set_allocations(db, mine, {2022: 111})
    set_allocations(db, mine, {})  # deleted; its id is free for the next allocation
    set_allocations(db, theirs, {2022: 222})
    assert get_strand(db, theirs).allocations == {2022: 222}
    mine_amounts = [(e.action, e.old, e.new) for e in strand_history(db, mine) if e.record.startswith("Allocation")]
    theirs_amounts = [(e.action, e.old, e.new) for e in strand_history(db, theirs) if e.record.startswith("Allocation")]
    assert sorted(mine_amounts) == [("Created", "—", "£1.11"), ("Deleted", "£1.11", "—")]
    assert theirs_amounts == [("Created", "—", "£2.22")]


def test_a_demo_strand_has_a_history_from_the_demo_build(demo_db):
    entries = strand_history(demo_db, 1)
    records = {e.record for e in entries}
    assert {"Strand", "Allocation 2022/23", "Allocation 2023/24", "Allocation 2024/25"} <= records
