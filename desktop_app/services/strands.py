"""Strands of provision (a provider's service under one funding stream) and their allocations.

A strand's dates lie inside its funding stream's. Allocations are pence per financial year of
the stream; taking a year over its budget is refused unless the officer gives a reason, which
the audit trail keeps beside the change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.field_errors import FieldError
from desktop_app.core.names import lookalike, lookalike_warning, name_errors
from desktop_app.core.periods import FinancialYear
from desktop_app.core.wording import format_date
from desktop_app.core.vocabulary import AgreementType
from desktop_app.services.changes import FINANCE, STRANDS, Changed
from desktop_app.services.reference_lists import current_plan_id, priority_label
from desktop_app.services.stale_edits import EditedRecord, refuse_if_stale, refused_when_raced
from desktop_app.services.validation import (
    RecordNotFound,
    refuse_if_any,
)
from desktop_app.store.database import Database
from desktop_app.store.models import (
    Allocation,
    District,
    FundingLine,
    FundingStream,
    Priority,
    Provider,
    ServiceCategory,
    Strand,
    Theme,
    strand_district,
    strand_theme,
)

__all__ = [
    "StrandDraft",
    "StrandRow",
    "get_strand",
    "list_strands",
    "next_strand_reference",
    "save_strand",
    "set_allocations",
    "strand_name_warning",
    "validate_strand",
]

_REFERENCE_RE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
_MAX_REFERENCE = 20
_MAX_NAME = 200
# The first reference on an empty database; after that the newest strand's pattern is followed.
_FIRST_REFERENCE = "WY-001"
_NUMBERED_RE = re.compile(r"(?P<prefix>.*?)(?P<number>[0-9]+)")


_date = format_date


@dataclass(frozen=True)
class StrandDraft:
    """What the strand form holds. Ids are 0 when nothing was chosen."""

    reference: str
    provider_id: int
    funding_stream_id: int
    name: str
    service_category_key: str
    agreement_type: AgreementType
    start_date: dt.date
    end_date: dt.date | None = None
    priority_number: int | None = None
    theme_keys: tuple[str, ...] = ()
    district_keys: tuple[str, ...] = ()
    active: bool = True
    notes: str = ""
    funding_line_id: int | None = None  # a ring-fenced line of the stream; None: its general money


@dataclass(frozen=True)
class StrandRow:
    """A strand as the table shows it: names and labels resolved, allocations by year in pence."""

    id: int
    reference: str
    provider_id: int
    provider_name: str
    funding_stream_id: int
    funding_stream_name: str
    name: str
    service_category: str
    service_category_key: str
    agreement_type: AgreementType
    start_date: dt.date
    end_date: dt.date | None
    priority: str  # "1. Supporting Victims ...", or "" for none
    priority_number: int | None
    themes: tuple[str, ...]
    theme_keys: tuple[str, ...]
    districts: tuple[str, ...]
    district_keys: tuple[str, ...]
    allocations: dict[int, int] = field(hash=False)
    active: bool = True
    notes: str = ""
    version: int = 1  # the strand's, as loaded: the form hands it back with the save
    funding_line_id: int | None = None
    # Financial year → that allocation's version as loaded, for the allocations dialog.
    allocation_versions: dict[int, int] = field(default_factory=dict, hash=False)

    @property
    def allocated_pence(self) -> int:
        return sum(self.allocations.values())

    @property
    def draft(self) -> StrandDraft:
        # The row holds every field of the draft under the same name.
        return StrandDraft(**{name: getattr(self, name) for name in StrandDraft.__dataclass_fields__})


# ---------------------------------------------------------------- reading


def _rows(session: Session, *, provider_id: int | None = None, strand_id: int | None = None) -> list[StrandRow]:
    # Four queries however many strands: the strands with their names, then their themes,
    # districts and allocations, each fetched once for all of them.
    wanted = select(Strand.id)
    if provider_id is not None:
        wanted = wanted.where(Strand.provider_id == provider_id)
    if strand_id is not None:
        wanted = wanted.where(Strand.id == strand_id)
    ids = wanted.scalar_subquery() if provider_id is not None or strand_id is not None else None

    def only(query, column):
        return query if ids is None else query.where(column.in_(ids))

    themes: dict[int, list[tuple[str, str]]] = defaultdict(list)
    query = select(strand_theme.c.strand_id, Theme.key, Theme.name).join(Theme, Theme.id == strand_theme.c.theme_id)
    for owner, key, name in session.execute(only(query, strand_theme.c.strand_id).order_by(Theme.id)):
        themes[owner].append((key, name))
    districts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    query = select(strand_district.c.strand_id, District.key, District.name).join(
        District, District.id == strand_district.c.district_id
    )
    for owner, key, name in session.execute(only(query, strand_district.c.strand_id).order_by(District.name)):
        districts[owner].append((key, name))
    allocations: dict[int, dict[int, int]] = defaultdict(dict)
    allocation_versions: dict[int, dict[int, int]] = defaultdict(dict)
    query = select(Allocation.strand_id, Allocation.financial_year, Allocation.amount_pence, Allocation.version)
    for owner, year, pence, version in session.execute(only(query, Allocation.strand_id).order_by(Allocation.financial_year)):
        allocations[owner][year] = pence
        allocation_versions[owner][year] = version

    query = (
        select(Strand, Provider.name, FundingStream.name, ServiceCategory.name, ServiceCategory.key, Priority)
        .join(Provider, Provider.id == Strand.provider_id)
        .join(FundingStream, FundingStream.id == Strand.funding_stream_id)
        .join(ServiceCategory, ServiceCategory.id == Strand.service_category_id)
        .outerjoin(Priority, Priority.id == Strand.priority_id)
        .order_by(Strand.reference)
    )
    rows = []
    for strand, provider, stream, category, category_key, priority in session.execute(only(query, Strand.id)):
        rows.append(
            StrandRow(
                id=strand.id,
                reference=strand.reference,
                provider_id=strand.provider_id,
                provider_name=provider,
                funding_stream_id=strand.funding_stream_id,
                funding_stream_name=stream,
                name=strand.name,
                service_category=category,
                service_category_key=category_key,
                agreement_type=strand.agreement_type,
                start_date=strand.start_date,
                end_date=strand.end_date,
                priority=priority_label(priority.number, priority.title) if priority else "",
                priority_number=priority.number if priority else None,
                themes=tuple(name for _key, name in themes[strand.id]),
                theme_keys=tuple(key for key, _name in themes[strand.id]),
                districts=tuple(name for _key, name in districts[strand.id]),
                district_keys=tuple(key for key, _name in districts[strand.id]),
                allocations=allocations[strand.id],
                active=strand.active,
                notes=strand.notes or "",
                version=strand.version,
                allocation_versions=allocation_versions[strand.id],
                funding_line_id=strand.funding_line_id,
            )
        )
    return rows


def list_strands(db: Database, *, provider_id: int | None = None) -> list[StrandRow]:
    """Every strand (or one provider's), by reference, with its allocations per year."""
    with db.reading() as session:
        return _rows(session, provider_id=provider_id)


def get_strand(db: Database, strand_id: int) -> StrandRow:
    """One strand; raises RecordNotFound if it is not there."""
    with db.reading() as session:
        rows = _rows(session, strand_id=strand_id)
    if not rows:
        raise RecordNotFound(f"Strand {strand_id} is not in the database; it may have been deleted.")
    return rows[0]


def next_strand_reference(db: Database) -> str:
    """The reference a new strand is offered: the newest strand's pattern, numbered on
    (`WY-073` after `WY-072`); `WY-001` on an empty database."""
    with db.reading() as session:
        references = list(session.scalars(select(Strand.reference).order_by(Strand.id.desc())))
    newest = next((m for m in map(_NUMBERED_RE.fullmatch, references) if m), None)
    if newest is None:
        return _FIRST_REFERENCE if _FIRST_REFERENCE not in references else f"{_FIRST_REFERENCE}-1"
    prefix = newest["prefix"]
    numbers = [m["number"] for m in map(_NUMBERED_RE.fullmatch, references) if m and m["prefix"] == prefix]
    width = max(len(n) for n in numbers)
    taken = {r.upper() for r in references}
    number = max(int(n) for n in numbers) + 1
    while f"{prefix}{number:0{width}d}".upper() in taken:  # a hand-typed reference may sit ahead
        number += 1
    return f"{prefix}{number:0{width}d}"


# ---------------------------------------------------------------- checking


@dataclass
class _Resolved:
    """The draft's keys and numbers as rows, for saving."""

    category: ServiceCategory | None = None
    priority: Priority | None = None
    themes: list[Theme] = field(default_factory=list)
    districts: list[District] = field(default_factory=list)


def _resolve(session: Session, draft: StrandDraft, existing: Strand | None) -> tuple[_Resolved, list[FieldError]]:
    found, errors = _Resolved(), []
    found.category = session.scalars(select(ServiceCategory).where(ServiceCategory.key == draft.service_category_key)).first()
    if found.category is None:
        errors.append(FieldError("service_category_key", "Choose the service category"))
    plan_id = current_plan_id(session)
    # A strand tagged under an earlier plan keeps those tags while they are left unchanged.
    old_priority = existing.priority if existing is not None else None
    if draft.priority_number is None:
        found.priority = None
    elif old_priority is not None and old_priority.number == draft.priority_number:
        found.priority = old_priority
    else:
        found.priority = session.scalars(
            select(Priority).where(Priority.plan_id == plan_id, Priority.number == draft.priority_number)
        ).first()
        if found.priority is None:
            errors.append(FieldError("priority_number", f"The plan has no priority {draft.priority_number}"))
    kept = {t.key: t for t in existing.themes} if existing is not None else {}
    current = {t.key: t for t in session.scalars(select(Theme).where(Theme.plan_id == plan_id))}
    for key in dict.fromkeys(draft.theme_keys):
        theme = kept.get(key) or current.get(key)
        if theme is None:
            errors.append(FieldError("theme_keys", f"'{key}' is not one of the plan's themes"))
        else:
            found.themes.append(theme)
    known = {d.key: d for d in session.scalars(select(District))}
    for key in dict.fromkeys(draft.district_keys):
        if key not in known:
            errors.append(FieldError("district_keys", f"'{key}' is not one of the districts"))
        else:
            found.districts.append(known[key])
    return found, errors


def _date_errors(draft: StrandDraft, stream: FundingStream | None, existing: Strand | None) -> list[FieldError]:
    if not isinstance(draft.start_date, dt.date):
        return [FieldError("start_date", "Enter the date the strand starts")]
    if draft.end_date is not None and draft.end_date < draft.start_date:
        return [FieldError("end_date", f"The strand ends on {_date(draft.end_date)}, before it starts ({_date(draft.start_date)})")]
    errors = []
    if stream is not None:
        span = f"{stream.name} runs from {_date(stream.start_date)} to {_date(stream.end_date)}"
        if not stream.start_date <= draft.start_date <= stream.end_date:
            errors.append(FieldError("start_date", f"The start date must fall within the funding stream: {span}"))
        if draft.end_date is not None and draft.end_date > stream.end_date:
            errors.append(FieldError("end_date", f"The end date must fall within the funding stream: {span}"))
    if existing is not None:
        for allocation in existing.allocations:
            if not FinancialYear(allocation.financial_year).overlaps(draft.start_date, draft.end_date):
                label = FinancialYear(allocation.financial_year).label
                errors.append(
                    FieldError("start_date", f"The strand has an allocation in {label}, so its dates must still cover that year")
                )
    return errors


def _errors(session: Session, draft: StrandDraft, strand_id: int | None) -> tuple[_Resolved, list[FieldError]]:
    errors: list[FieldError] = []
    existing = session.get(Strand, strand_id) if strand_id is not None else None
    if strand_id is not None and existing is None:
        raise RecordNotFound(f"Strand {strand_id} is not in the database; it may have been deleted.")
    reference = draft.reference.strip().upper()
    if not reference:
        errors.append(FieldError("reference", "Enter a reference, e.g. WY-001"))
    elif len(reference) > _MAX_REFERENCE or not _REFERENCE_RE.fullmatch(reference):
        errors.append(FieldError("reference", f"Use letters, digits and hyphens, up to {_MAX_REFERENCE} characters, e.g. WY-001"))
    else:
        clash = session.scalar(select(Strand.reference).where(func.upper(Strand.reference) == reference, Strand.id != (strand_id or 0)))
        if clash:
            errors.append(FieldError("reference", f"Strand {clash} already exists; choose another reference"))
    if not (draft.provider_id and session.get(Provider, draft.provider_id)):
        errors.append(FieldError("provider_id", "Choose the provider"))
    stream = session.get(FundingStream, draft.funding_stream_id) if draft.funding_stream_id else None
    if stream is None:
        errors.append(FieldError("funding_stream_id", "Choose the funding stream"))
    elif existing is not None and existing.funding_stream_id != stream.id and existing.allocations:
        errors.append(
            FieldError(
                "funding_stream_id",
                f"The strand has allocations from {existing.funding_stream.name}; remove them before moving it to another stream",
            )
        )
    if stream is not None and draft.funding_line_id is not None:
        line = session.get(FundingLine, draft.funding_line_id)
        if line is None or line.funding_stream_id != stream.id:
            errors.append(FieldError("funding_line_id", f"Choose a line of {stream.name}, the stream the strand is funded from"))
    name = draft.name.strip()
    if not name:
        errors.append(FieldError("name", "Enter the strand's name, e.g. Leeds IDVA service"))
    elif len(name) > _MAX_NAME:
        errors.append(FieldError("name", f"Shorten the name to {_MAX_NAME} characters or fewer"))
    errors += name_errors((("name", "The name", draft.name),))
    if not isinstance(draft.agreement_type, AgreementType):
        errors.append(FieldError("agreement_type", "Choose contract or grant"))
    errors += _date_errors(draft, stream, existing)
    resolved, lookup_errors = _resolve(session, draft, existing)
    return resolved, errors + lookup_errors


def strand_name_warning(db: Database, name: str, provider_id: int | None, strand_id: int | None = None) -> str | None:
    """A notice (never a refusal) when `name` looks just like another of the provider's strands."""
    with db.reading() as session:
        others = session.scalars(
            select(Strand.name).where(Strand.provider_id == provider_id, Strand.id != (strand_id or 0))
        )
        other = lookalike(name.strip(), others)
    return lookalike_warning("strand", other) if other else None


def validate_strand(db: Database, draft: StrandDraft, strand_id: int | None = None) -> list[FieldError]:
    """Every problem with the draft, field by field (empty when it can be saved)."""
    with db.reading() as session:
        return _errors(session, draft, strand_id)[1]


# ---------------------------------------------------------------- changing


def strand_record(strand: Strand) -> EditedRecord:
    """The strand as a stale refusal names it."""
    return EditedRecord(f"Strand {strand.reference}", "strand", strand.id)


def _described(strand_id: int | None):
    def describe(session: Session) -> EditedRecord | None:
        strand = session.get(Strand, strand_id) if strand_id is not None else None
        return strand_record(strand) if strand is not None else None

    return describe


def save_strand(
    db: Database,
    draft: StrandDraft,
    strand_id: int | None = None,
    *,
    who: str | None = None,
    version: int | None = None,
) -> tuple[int, Changed]:
    """Add or update a strand; returns its id and what changed.

    `version` is `StrandRow.version` as the form loaded it (None: no comparison).
    Raises ValidationFailed, writing nothing, when the draft has errors, and StaleRecordError
    when someone else saved the strand after the form loaded it."""
    with refused_when_raced(db, _described(strand_id)):
        return _save_strand(db, draft, strand_id, who=who, version=version)


def _save_strand(
    db: Database, draft: StrandDraft, strand_id: int | None, *, who: str | None, version: int | None
) -> tuple[int, Changed]:
    with db.transaction(who=who) as session:
        if strand_id is not None:
            current = session.get(Strand, strand_id)
            if current is None:
                raise RecordNotFound(f"Strand {strand_id} is not in the database; it may have been deleted.")
            refuse_if_stale(session, current.version, version, strand_record(current))
        resolved, errors = _errors(session, draft, strand_id)
        refuse_if_any(errors)
        strand = Strand() if strand_id is None else session.get(Strand, strand_id)
        strand.reference = draft.reference.strip().upper()
        strand.provider_id = draft.provider_id
        strand.funding_stream_id = draft.funding_stream_id
        line_changed = strand.funding_line_id != draft.funding_line_id
        strand.funding_line_id = draft.funding_line_id
        strand.name = draft.name.strip()
        strand.service_category_id = resolved.category.id
        strand.agreement_type = draft.agreement_type
        strand.start_date = draft.start_date
        strand.end_date = draft.end_date
        strand.priority_id = resolved.priority.id if resolved.priority else None
        strand.active = draft.active
        strand.notes = draft.notes.strip()
        # Replacing an unchanged list would still be written to the audit trail as a change.
        links_changed = False
        if strand_id is None or {t.id for t in strand.themes} != {t.id for t in resolved.themes}:
            strand.themes = resolved.themes
            links_changed = True
        if strand_id is None or {d.id for d in strand.districts} != {d.id for d in resolved.districts}:
            strand.districts = resolved.districts
            links_changed = True
        if strand_id is not None and links_changed:
            # Themes and districts are rows of link tables: the strand's own version must move too.
            strand.version = strand.version + 1
        if strand_id is None:
            session.add(strand)
        session.flush()
        # The line a strand is paid from is a finance figure too (the Finance page adds strands up by line).
        return strand.id, (Changed.of(STRANDS, FINANCE) if line_changed else Changed.of(STRANDS))


# Allocations live in services.allocations; re-exported so callers keep one import.
from desktop_app.services.allocations import set_allocations  # noqa: E402
