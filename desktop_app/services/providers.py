"""The provider register: list, add, edit, deactivate and delete the organisations funded.

A provider with strands is never deleted (its returns and allocations hang off them); it is
deactivated instead, and the form says so before the officer tries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.contact_details import (
    parse_charity_number,
    parse_company_number,
    parse_email,
    parse_phone,
)
from desktop_app.core.field_errors import FieldError
from desktop_app.core.names import lookalike, lookalike_warning, name_errors
from desktop_app.core.vocabulary import OrganisationType, Scope
from desktop_app.core.wording import plural
from desktop_app.services.changes import PROVIDERS, Changed
from desktop_app.services.errors import ServiceError
from desktop_app.services.stale_edits import EditedRecord, refuse_if_stale, refused_when_raced
from desktop_app.services.validation import RecordNotFound, refuse_if_any
from desktop_app.store.database import Database
from desktop_app.store.models import District, Provider, Strand, provider_district

__all__ = [
    "ProviderDraft",
    "ProviderRow",
    "delete_provider",
    "deletion_blocker",
    "get_provider",
    "list_providers",
    "provider_name_warning",
    "save_provider",
    "set_provider_active",
    "validate_provider",
]

# Column sizes in the schema: PostgreSQL enforces them, so the form must say so first.
_MAX_NAME = 200
_MAX_CONTACT = 200
_MAX_PHONE = 40

# Optional fields in the form's order: (field, how to check and tidy it).
_CONTACT_PARSERS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("charity_number", parse_charity_number),
    ("company_number", parse_company_number),
    ("contact_email", parse_email),
    ("contact_phone", parse_phone),
)


@dataclass(frozen=True)
class ProviderDraft:
    """What the provider form holds: everything an officer types or picks."""

    name: str
    organisation_type: OrganisationType
    scope: Scope
    district_keys: tuple[str, ...] = ()
    charity_number: str = ""
    company_number: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    active: bool = True
    notes: str = ""


@dataclass(frozen=True)
class ProviderRow:
    """A provider as the register shows it; `draft` loads it into the form."""

    id: int
    name: str
    organisation_type: OrganisationType
    scope: Scope
    districts: tuple[str, ...]  # names, for the table
    district_keys: tuple[str, ...]
    strand_count: int
    active: bool
    charity_number: str
    company_number: str
    contact_name: str
    contact_email: str
    contact_phone: str
    notes: str
    version: int  # as loaded: the form hands it back with the save

    @property
    def draft(self) -> ProviderDraft:
        # The row holds every field of the draft under the same name.
        return ProviderDraft(**{name: getattr(self, name) for name in ProviderDraft.__dataclass_fields__})


# ---------------------------------------------------------------- reading


def _rows(session: Session, provider_id: int | None = None) -> list[ProviderRow]:
    # Three queries whatever the number of providers: the providers, their strand counts,
    # and their districts.
    providers = select(Provider).order_by(func.lower(Provider.name), Provider.id)
    counts = select(Strand.provider_id, func.count(Strand.id)).group_by(Strand.provider_id)
    served = (
        select(provider_district.c.provider_id, District.key, District.name)
        .join(District, District.id == provider_district.c.district_id)
        .order_by(District.name)
    )
    if provider_id is not None:
        providers = providers.where(Provider.id == provider_id)
        counts = counts.where(Strand.provider_id == provider_id)
        served = served.where(provider_district.c.provider_id == provider_id)
    strand_counts = dict(session.execute(counts).all())
    districts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for owner, key, name in session.execute(served):
        districts[owner].append((key, name))
    return [
        ProviderRow(
            id=p.id,
            name=p.name,
            organisation_type=p.organisation_type,
            scope=p.scope,
            districts=tuple(name for _key, name in districts[p.id]),
            district_keys=tuple(key for key, _name in districts[p.id]),
            strand_count=strand_counts.get(p.id, 0),
            active=p.active,
            charity_number=p.charity_number or "",
            company_number=p.company_number or "",
            contact_name=p.contact_name or "",
            contact_email=p.contact_email or "",
            contact_phone=p.contact_phone or "",
            notes=p.notes or "",
            version=p.version,
        )
        for p in session.scalars(providers)
    ]


def list_providers(db: Database) -> list[ProviderRow]:
    """Every provider, by name, with its districts and number of strands."""
    with db.reading() as session:
        return _rows(session)


def get_provider(db: Database, provider_id: int) -> ProviderRow:
    """One provider; raises RecordNotFound if it is not there."""
    with db.reading() as session:
        rows = _rows(session, provider_id)
    if not rows:
        raise RecordNotFound(f"Provider {provider_id} is not in the database; it may have been deleted.")
    return rows[0]


# ---------------------------------------------------------------- checking


def _cleaned(draft: ProviderDraft) -> tuple[dict[str, str], list[FieldError]]:
    """The optional contact fields tidied (blank stays blank), and the errors found."""
    tidy: dict[str, str] = {}
    errors: list[FieldError] = []
    for field, parse in _CONTACT_PARSERS:
        text = getattr(draft, field).strip()
        if not text:
            tidy[field] = ""
            continue
        try:
            tidy[field] = parse(text)
        except ValueError as error:
            errors.append(FieldError(field, str(error)))
    return tidy, errors


def _errors(session: Session, draft: ProviderDraft, provider_id: int | None) -> list[FieldError]:
    errors: list[FieldError] = []
    name = draft.name.strip()
    if not name:
        errors.append(FieldError("name", "Enter the provider's name, e.g. Aire Valley Victim Support"))
    elif len(name) > _MAX_NAME:
        errors.append(FieldError("name", f"Shorten the name to {_MAX_NAME} characters or fewer"))
    else:
        # Compared in Python: SQLite's lower() only folds ASCII letters.
        wanted = name.casefold()
        for other_id, other_name in session.execute(select(Provider.id, Provider.name)):
            if other_id != provider_id and other_name.casefold() == wanted:
                errors.append(FieldError("name", f"A provider called '{other_name}' already exists"))
                break
    errors += name_errors((("name", "The name", draft.name), ("contact_name", "The contact name", draft.contact_name)))
    if not isinstance(draft.organisation_type, OrganisationType):
        errors.append(FieldError("organisation_type", "Choose the type of organisation"))
    if not isinstance(draft.scope, Scope):
        errors.append(FieldError("scope", "Choose the scope: national, regional or local"))
    known = set(session.scalars(select(District.key)))
    for key in draft.district_keys:
        if key not in known:
            errors.append(FieldError("district_keys", f"'{key}' is not one of the districts"))
    if len(draft.contact_name.strip()) > _MAX_CONTACT:
        errors.append(FieldError("contact_name", f"Shorten the name to {_MAX_CONTACT} characters or fewer"))
    tidy, contact_errors = _cleaned(draft)
    errors += contact_errors
    if len(tidy.get("contact_email", "")) > _MAX_CONTACT:
        errors.append(FieldError("contact_email", f"Use an address of {_MAX_CONTACT} characters or fewer"))
    if len(tidy.get("contact_phone", "")) > _MAX_PHONE:
        errors.append(FieldError("contact_phone", f"Write the number in {_MAX_PHONE} characters or fewer"))
    return errors


def provider_name_warning(db: Database, name: str, provider_id: int | None = None) -> str | None:
    """A notice (never a refusal) when `name` looks just like another provider's name."""
    with db.reading() as session:
        others = session.scalars(select(Provider.name).where(Provider.id != (provider_id or 0)))
        other = lookalike(name.strip(), others)
    return lookalike_warning("provider", other) if other else None


def validate_provider(db: Database, draft: ProviderDraft, provider_id: int | None = None) -> list[FieldError]:
    """Every problem with the draft, field by field (empty when it can be saved)."""
    with db.reading() as session:
        return _errors(session, draft, provider_id)


# ---------------------------------------------------------------- changing


def _get(session: Session, provider_id: int) -> Provider:
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise RecordNotFound(f"Provider {provider_id} is not in the database; it may have been deleted.")
    return provider


def _record(provider: Provider) -> EditedRecord:
    return EditedRecord(f"Provider {provider.name}", "provider", provider.id)


def _described(provider_id: int | None):
    def describe(session: Session) -> EditedRecord | None:
        provider = session.get(Provider, provider_id) if provider_id is not None else None
        return _record(provider) if provider is not None else None

    return describe


def save_provider(
    db: Database,
    draft: ProviderDraft,
    provider_id: int | None = None,
    *,
    who: str | None = None,
    version: int | None = None,
) -> tuple[int, Changed]:
    """Add a provider (`provider_id=None`) or update one; returns its id and what changed.

    `version` is `ProviderRow.version` as the form loaded it (None: no comparison).
    Raises ValidationFailed, writing nothing, when the draft has errors, and StaleRecordError
    when someone else saved the provider after the form loaded it."""
    with refused_when_raced(db, _described(provider_id)):
        return _save(db, draft, provider_id, who=who, version=version)


def _save(
    db: Database, draft: ProviderDraft, provider_id: int | None, *, who: str | None, version: int | None
) -> tuple[int, Changed]:
    with db.transaction(who=who) as session:
        if provider_id is not None:
            current = _get(session, provider_id)
            refuse_if_stale(session, current.version, version, _record(current))
        # Checked in the same transaction as the write, so the check holds for what is saved.
        refuse_if_any(_errors(session, draft, provider_id))
        tidy, _ = _cleaned(draft)
        wanted = set(draft.district_keys)
        # Read before any attribute changes, so one save is one flush and one moment in the trail.
        districts = list(session.scalars(select(District).where(District.key.in_(wanted))))
        provider = Provider() if provider_id is None else _get(session, provider_id)
        provider.name = draft.name.strip()
        provider.organisation_type = draft.organisation_type
        provider.scope = draft.scope
        for field, _parse in _CONTACT_PARSERS:
            setattr(provider, field, tidy[field] or None)
        provider.contact_name = draft.contact_name.strip() or None
        provider.active = draft.active
        provider.notes = draft.notes.strip()
        # Replacing an unchanged list would still be written to the audit trail as a change.
        if provider_id is None or {d.key for d in provider.districts} != wanted:
            provider.districts = districts
            if provider_id is not None:
                # The districts are rows of a link table: the provider's own version must move too.
                provider.version = provider.version + 1
        if provider_id is None:
            session.add(provider)
        session.flush()
        return provider.id, Changed.of(PROVIDERS)


def set_provider_active(db: Database, provider_id: int, active: bool, *, who: str | None = None) -> Changed:
    """Deactivate (or reactivate) a provider; its strands and history are kept."""
    with refused_when_raced(db, _described(provider_id)), db.transaction(who=who) as session:
        _get(session, provider_id).active = active
    return Changed.of(PROVIDERS)


def _blocker(session: Session, provider: Provider) -> str | None:
    count = session.scalar(select(func.count(Strand.id)).where(Strand.provider_id == provider.id)) or 0
    if not count:
        return None
    return f"{provider.name} has {plural(count, 'strand')}, so it cannot be deleted; deactivate it instead."


def deletion_blocker(db: Database, provider_id: int) -> str | None:
    """Why the provider cannot be deleted, or None when it can."""
    with db.reading() as session:
        return _blocker(session, _get(session, provider_id))


def delete_provider(
    db: Database, provider_id: int, *, who: str | None = None, version: int | None = None
) -> Changed:
    """Delete a provider that has no strands; the audit trail keeps what it held.

    Raises ServiceError (with the `deletion_blocker` message) when it has strands, and
    StaleRecordError when someone else saved it after the form loaded `version`."""
    with refused_when_raced(db, _described(provider_id)), db.transaction(who=who) as session:
        provider = _get(session, provider_id)
        refuse_if_stale(session, provider.version, version, _record(provider))
        blocker = _blocker(session, provider)
        if blocker:
            raise ServiceError(blocker)
        session.delete(provider)
    return Changed.of(PROVIDERS)
