"""The provider register: what officers add, correct, deactivate and (rarely) delete."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop_app.core.field_errors import FieldError
from desktop_app.core.vocabulary import AuditAction, OrganisationType, Scope
from desktop_app.services.changes import PROVIDERS
from desktop_app.services.errors import ServiceError
from desktop_app.services.providers import (
    ProviderDraft,
    delete_provider,
    deletion_blocker,
    get_provider,
    list_providers,
    save_provider,
    set_provider_active,
    validate_provider,
)
from desktop_app.services.validation import RecordNotFound, ValidationFailed
from desktop_app.store.models import AuditEvent, Provider
from tests.services.test_strands import add_strand, add_stream

DRAFT = ProviderDraft(
    name="Bradford Women's Aid",
    organisation_type=OrganisationType.CVSE,
    scope=Scope.LOCAL,
    district_keys=("bradford", "calderdale"),
    charity_number="1234567",
    company_number="01234567",
    contact_name="Amira Akhtar",
    contact_email="amira.akhtar@Bradford-WA.example.org",
    contact_phone="01274960123",
    notes="Refuge and outreach",
)


def _provider_count(db) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Provider))


def _draft(**changes) -> ProviderDraft:
    values = {field: getattr(DRAFT, field) for field in DRAFT.__dataclass_fields__}
    values.update(changes)
    return ProviderDraft(**values)


def test_a_new_provider_is_listed_as_typed_with_contact_details_tidied(db):
    provider_id, changed = save_provider(db, DRAFT)
    assert changed.kinds == {PROVIDERS}
    [row] = list_providers(db)
    assert row.id == provider_id
    assert (row.name, row.organisation_type, row.scope) == ("Bradford Women's Aid", OrganisationType.CVSE, Scope.LOCAL)
    assert row.districts == ("Bradford", "Calderdale")
    assert row.strand_count == 0 and row.active
    assert row.contact_email == "amira.akhtar@bradford-wa.example.org"
    assert row.contact_phone == "01274 960123"
    assert row.draft == _draft(contact_email=row.contact_email, contact_phone=row.contact_phone)


def test_an_edit_changes_the_provider_and_keeps_its_id(db):
    provider_id, _ = save_provider(db, DRAFT)
    edited = _draft(name="Bradford and Airedale Women's Aid", scope=Scope.REGIONAL, district_keys=("leeds",), company_number="", notes="")
    assert save_provider(db, edited, provider_id)[0] == provider_id
    row = get_provider(db, provider_id)
    assert (row.name, row.scope, row.districts, row.company_number, row.notes) == (
        "Bradford and Airedale Women's Aid", Scope.REGIONAL, ("Leeds",), "", ""
    )
    assert _provider_count(db) == 1


def test_the_register_is_in_name_order_whatever_the_case(db):
    for name in ("leeds Victim Care", "Aire Valley Support", "Calder Aid"):
        save_provider(db, _draft(name=name))
    assert [r.name for r in list_providers(db)] == ["Aire Valley Support", "Calder Aid", "leeds Victim Care"]


def test_a_second_provider_of_the_same_name_is_refused_whatever_its_case(db):
    save_provider(db, DRAFT)
    with pytest.raises(ValidationFailed) as refused:
        save_provider(db, _draft(name="  BRADFORD women's aid "))
    assert refused.value.errors == (FieldError("name", "A provider called 'Bradford Women's Aid' already exists"),)
    assert _provider_count(db) == 1


def test_saving_a_provider_under_its_own_name_is_no_clash(db):
    provider_id, _ = save_provider(db, DRAFT)
    assert validate_provider(db, _draft(name="bradford women's aid"), provider_id) == []


@pytest.mark.parametrize(
    "field, typed, expected",
    [
        ("contact_email", "amira at example.org", "'amira at example.org' is not an e-mail address"),
        ("contact_phone", "0127 49", "'0127 49' is not a UK phone number"),
        ("charity_number", "12345", "'12345' is not a charity number"),
        ("company_number", "1234567", "'1234567' is not a company number: it has 8 characters"),
    ],
)
def test_a_contact_detail_in_the_wrong_form_is_refused_next_to_its_field(db, field, typed, expected):
    errors = validate_provider(db, _draft(**{field: typed}))
    assert [e.field for e in errors] == [field]
    assert errors[0].message.startswith(expected)
    with pytest.raises(ValidationFailed):
        save_provider(db, _draft(**{field: typed}))
    assert _provider_count(db) == 0


def test_a_provider_needs_a_name_and_known_districts(db):
    errors = validate_provider(db, _draft(name="  ", district_keys=("bradford", "york")))
    assert {e.field: e.message for e in errors} == {
        "name": "Enter the provider's name, e.g. Aire Valley Victim Support",
        "district_keys": "'york' is not one of the districts",
    }


def test_optional_contact_details_may_be_left_blank(db):
    draft = ProviderDraft(name="Calder Aid", organisation_type=OrganisationType.PRIVATE, scope=Scope.NATIONAL)
    provider_id, _ = save_provider(db, draft)
    assert get_provider(db, provider_id).draft == draft


def test_a_provider_with_strands_cannot_be_deleted_only_deactivated(db):
    provider_id, _ = save_provider(db, DRAFT)
    stream_id = add_stream(db)
    for reference in ("WY-001", "WY-002", "WY-003"):
        add_strand(db, provider_id, stream_id, reference=reference)
    reason = "Bradford Women's Aid has 3 strands, so it cannot be deleted; deactivate it instead."
    assert deletion_blocker(db, provider_id) == reason
    with pytest.raises(ServiceError) as refused:
        delete_provider(db, provider_id)
    assert str(refused.value) == reason
    assert get_provider(db, provider_id).strand_count == 3

    assert set_provider_active(db, provider_id, False).kinds == {PROVIDERS}
    row = get_provider(db, provider_id)
    assert not row.active and row.strand_count == 3


def test_a_provider_without_strands_is_deleted_and_the_trail_keeps_it(db):
    provider_id, _ = save_provider(db, DRAFT)
    assert deletion_blocker(db, provider_id) is None
    assert delete_provider(db, provider_id, who="officer.c").kinds == {PROVIDERS}
    assert list_providers(db) == []
    with pytest.raises(RecordNotFound):
        get_provider(db, provider_id)
    with db.reading() as session:
        deleted = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "provider", AuditEvent.action == AuditAction.DELETE)
        ).all()
    assert {e.field: e.old_value for e in deleted}["name"] == "Bradford Women's Aid"
    assert {e.who for e in deleted} == {"officer.c"}


def test_every_demo_provider_opens_and_saves_without_complaint(demo_db):
    rows = list_providers(demo_db)
    assert len(rows) == 34
    assert sum(r.strand_count for r in rows) == 72
    for row in rows:
        assert validate_provider(demo_db, row.draft, row.id) == [], row.name
    with demo_db.reading() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    save_provider(demo_db, rows[0].draft, rows[0].id)
    with demo_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
