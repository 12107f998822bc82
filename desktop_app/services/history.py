"""A record's history, read from the audit trail and written the way officers read it.

The trail stores raw values ("cvse", "1400000000", "2022-04-01", ids); the history says
"CVSE", "£14,000,000.00", "1 Apr 2022" and names. A strand's history includes its
allocations and a funding stream's its budgets, found through the audit rows that link them
(so a deleted allocation still shows).

SQLite may give a new row the id of a deleted one, so the rows for one id can belong to two
records in turn: each record's "life" ends with its deletion, and only the right lives are shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.core.money import format_pence
from desktop_app.core.numbers import format_count
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.vocabulary import AgreementType, AuditAction, OrganisationType, ReturnStatus, Scope
from desktop_app.core.wording import format_date
from desktop_app.services.reference_lists import priority_label
from desktop_app.store.database import Database
from desktop_app.store.models import (
    Allocation,
    AuditEvent,
    Budget,
    FundingStream,
    Measure,
    Return,
    ReturnPeriod,
    Priority,
    Provider,
    ServiceCategory,
)

# The audit rows a drafted chaser writes (see services.returns.chasers): entity, strand id, quarter.
CHASER_ENTITY = "chaser"

__all__ = ["HistoryEntry", "funding_stream_history", "provider_history", "return_history", "strand_history"]

EMPTY = "—"

_ACTIONS = {AuditAction.INSERT: "Created", AuditAction.UPDATE: "Changed", AuditAction.DELETE: "Deleted"}
_RECORDS = {"provider": "Provider", "strand": "Strand", "funding_stream": "Funding stream"}
_LABELS = {
    "organisation_type": "Organisation type",
    "charity_number": "Charity number",
    "company_number": "Company number",
    "contact_name": "Contact name",
    "contact_email": "Contact e-mail",
    "contact_phone": "Contact phone",
    "districts": "Districts",
    "provider_id": "Provider",
    "funding_stream_id": "Funding stream",
    "service_category_id": "Service category",
    "agreement_type": "Agreement type",
    "start_date": "Start date",
    "end_date": "End date",
    "priority_id": "Police and Crime Plan priority",
    "total_pence": "Total",
    "amount_pence": "Amount",
}
# Fields of a provider read differently from the same fields of a strand.
_ENTITY_LABELS = {("provider", "districts"): "Districts served", ("budget", "amount_pence"): "Budget",
                  ("chaser", "*"): "E-mail",
                  ("return", "received_date"): "Received", ("return_value", "value"): "Figure"}
# A child record's link and year are already in its record label ("Allocation 2023/24").
_HIDDEN = {"allocation": {"strand_id", "financial_year"}, "budget": {"funding_stream_id", "financial_year"},
           "return": {"strand_id", "period_id"}, "return_value": {"return_id", "measure_id"}}
_ENUMS = {"organisation_type": OrganisationType, "scope": Scope, "agreement_type": AgreementType,
          "status": ReturnStatus}
_MONEY = {"total_pence", "amount_pence"}
_DATES = {"start_date", "end_date", "received_date"}
_BOOLEANS = {"active", "copied_from_previous"}
_COUNTS = {"value"}  # a return's figure: 1,234 as the form shows it


@dataclass(frozen=True)
class HistoryEntry:
    """One field of one change: when (local time), who, what, old value, new value, and why."""

    at: dt.datetime
    who: str
    action: str  # "Created", "Changed" or "Deleted"
    record: str  # "Provider", "Strand", "Allocation 2023/24", "Budget 2023/24"...
    field: str  # as the form labels it: "Organisation type"
    old: str
    new: str
    reason: str | None


# ---------------------------------------------------------------- finding the rows


def _lives(events: list[AuditEvent]) -> list[list[AuditEvent]]:
    """One id's events (oldest first) split into the records that held the id in turn."""
    lives: list[list[AuditEvent]] = [[]]
    for event in events:
        if lives[-1] and lives[-1][-1].action == AuditAction.DELETE and event.action != AuditAction.DELETE:
            lives.append([])
        lives[-1].append(event)
    return lives


def _events(session: Session, entity: str, ids: Iterable[int]) -> dict[int, list[AuditEvent]]:
    found: dict[int, list[AuditEvent]] = defaultdict(list)
    ids = list(ids)
    if not ids:
        return found
    query = (
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id.in_(ids))
        .order_by(AuditEvent.id)
    )
    for event in session.scalars(query):
        found[event.entity_id].append(event)
    return found


def _value_in(life: list[AuditEvent], field: str) -> str | None:
    for event in life:
        if event.field == field:
            return event.new_value if event.new_value is not None else event.old_value
    return None


def _own_events(session: Session, entity: str, record_id: int) -> list[AuditEvent]:
    """The record's own events: the last life of its id, the one that is still there."""
    return _lives(_events(session, entity, [record_id])[record_id])[-1]


def _child_events(
    session: Session, entity: str, link: str, parent_id: int, current: dict[int, tuple[int, int]], noun: str
) -> list[tuple[str, AuditEvent]]:
    """(record label, event) for every child that ever belonged to the parent.

    `current` maps the children that exist now to (parent id, financial year), for lives whose
    creation was not audited."""
    linked = session.scalars(
        select(AuditEvent.entity_id)
        .where(AuditEvent.entity == entity, AuditEvent.field == link)
        .where(or_(AuditEvent.new_value == str(parent_id), AuditEvent.old_value == str(parent_id)))
        .distinct()
    )
    found = []
    for child_id, events in _events(session, entity, set(linked) | set(current)).items():
        lives = _lives(events)
        for index, life in enumerate(lives):
            now = current.get(child_id) if index == len(lives) - 1 else None
            owner = _value_in(life, link) or (str(now[0]) if now else None)
            year = _value_in(life, "financial_year") or (str(now[1]) if now else None)
            if owner != str(parent_id):
                continue
            record = f"{noun} {FinancialYear(int(year)).label}" if year else noun
            found += [(record, event) for event in life]
    return found


# ---------------------------------------------------------------- writing values readably


def _names(session: Session, events: Iterable[AuditEvent]) -> dict[str, Callable[[str], str]]:
    """For each id field, how to turn a stored id into a name (one query per kind of id)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        for value in (event.old_value, event.new_value):
            if value and value.isdigit():
                wanted[event.field].add(int(value))
    lookups = {
        "provider_id": (Provider, lambda row: row.name),
        "funding_stream_id": (FundingStream, lambda row: row.name),
        "service_category_id": (ServiceCategory, lambda row: row.name),
        "priority_id": (Priority, lambda row: priority_label(row.number, row.title)),
    }
    namers: dict[str, Callable[[str], str]] = {}
    for field, (model, name_of) in lookups.items():
        if not wanted.get(field):
            continue
        names = {row.id: name_of(row) for row in session.scalars(select(model).where(model.id.in_(wanted[field])))}
        namers[field] = lambda value, names=names: names.get(int(value), f"No. {value} (since deleted)")
    return namers


def _readable(field: str, value: str | None, namers: dict[str, Callable[[str], str]]) -> str:
    if value is None or value == "":
        return EMPTY
    try:
        if field in _ENUMS:
            return _ENUMS[field](value).label
        if field in _MONEY:
            return format_pence(int(value))
        if field in _DATES:
            return format_date(dt.date.fromisoformat(value))
        if field in _COUNTS:
            return format_count(int(value))
        if field in _BOOLEANS:
            return {"yes": "Yes", "no": "No"}.get(value, value)
        if field in namers:
            return namers[field](value)
    except ValueError:
        pass  # a value written by an older version: show it as it was stored
    return value


def _entries(session: Session, labelled: list[tuple[str, AuditEvent]]) -> list[HistoryEntry]:
    namers = _names(session, (event for _record, event in labelled))
    entries = []
    for record, event in sorted(labelled, key=lambda pair: pair[1].id):
        if event.field in _HIDDEN.get(event.entity, ()):
            continue
        old = _readable(event.field, event.old_value, namers)
        new = _readable(event.field, event.new_value, namers)
        if old == new:
            continue  # e.g. empty notes "created" as an empty string: nothing to read
        label = (_ENTITY_LABELS.get((event.entity, event.field)) or _ENTITY_LABELS.get((event.entity, "*"))
                 or _LABELS.get(event.field))
        entries.append(
            HistoryEntry(
                at=event.at.replace(tzinfo=dt.UTC).astimezone(),
                who=event.who,
                action=_ACTIONS.get(event.action, str(event.action)),
                record=record,
                field=label or event.field.replace("_", " ").capitalize(),
                old=old,
                new=new,
                reason=event.reason,
            )
        )
    # Newest first; a stable sort keeps one change's fields in the order they were written.
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _own(session: Session, entity: str, record_id: int) -> list[tuple[str, AuditEvent]]:
    return [(_RECORDS[entity], event) for event in _own_events(session, entity, record_id)]


# ---------------------------------------------------------------- the histories


def provider_history(db: Database, provider_id: int) -> list[HistoryEntry]:
    """Every recorded change to a provider, newest first."""
    with db.reading() as session:
        return _entries(session, _own(session, "provider", provider_id))


def _with_children(db: Database, entity: str, record_id: int, child, parent_key: str, child_label: str):
    """A record's events and those of its yearly children (deleted ones too), newest first."""
    with db.reading() as session:
        parent_column = getattr(child, parent_key)
        current = {
            c.id: (getattr(c, parent_key), c.financial_year)
            for c in session.scalars(select(child).where(parent_column == record_id))
        }
        labelled = _own(session, entity, record_id)
        labelled += _child_events(session, child.__tablename__, parent_key, record_id, current, child_label)
        return _entries(session, labelled)


def strand_history(db: Database, strand_id: int) -> list[HistoryEntry]:
    """Every recorded change to a strand and to its allocations (deleted ones too), newest first."""
    return _with_children(db, "strand", strand_id, Allocation, "strand_id", "Allocation")


def funding_stream_history(db: Database, stream_id: int) -> list[HistoryEntry]:
    """Every recorded change to a funding stream and to its yearly budgets, newest first."""
    return _with_children(db, "funding_stream", stream_id, Budget, "funding_stream_id", "Budget")



def return_history(db: Database, strand_id: int, quarter: Quarter) -> list[HistoryEntry]:
    """Every recorded change to a strand's return for `quarter`, newest first: its status (with
    the reasons given, e.g. for reopening), received date and notes, each figure and its note,
    old → new, by whom; and the chasers sent for it (a missing return has only those).
    A figure's record is its measure's label."""
    with db.reading() as session:
        return_id = session.scalar(
            select(Return.id).join(Return.period).where(
                Return.strand_id == strand_id, ReturnPeriod.financial_year == quarter.year.start_year,
                ReturnPeriod.quarter == quarter.number,
            )
        )
        labelled = [("Chaser", event) for event in session.scalars(
            select(AuditEvent).where(AuditEvent.entity == CHASER_ENTITY, AuditEvent.entity_id == strand_id,
                                     AuditEvent.field == quarter.label).order_by(AuditEvent.id))]
        if return_id is None:
            return _entries(session, labelled)
        labelled += [("Return", event) for event in _own_events(session, "return", return_id)]
        linked = set(session.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.entity == "return_value", AuditEvent.field == "return_id",
                or_(AuditEvent.new_value == str(return_id), AuditEvent.old_value == str(return_id)),
            ).distinct()
        ))
        measures = {m.id: m.label for m in session.scalars(select(Measure))}
        for events in _events(session, "return_value", linked).values():
            for life in _lives(events):
                if _value_in(life, "return_id") != str(return_id):
                    continue  # the id was another return's figure before
                measure = _value_in(life, "measure_id")
                record = measures.get(int(measure), "A measure since removed") if measure and measure.isdigit() else "Figure"
                labelled += [(record, event) for event in life]
        return _entries(session, labelled)
