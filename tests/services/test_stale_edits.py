"""Two officers, one record: a save made from a form or grid opened before someone else's save
is refused (naming who and when), nothing of it is written, and the other officer's figures stay."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from desktop_app.core.periods import Quarter
from desktop_app.services.errors import StaleRecordError
from desktop_app.services.returns import quarter_grid, return_form, save_grid, save_return
from desktop_app.services.templates import commit_import, make_templates, preview_import
from desktop_app.services.templates import ImportRefused
from desktop_app.store.models import AuditEvent, Return
from tests.services.test_returns_saving import GOOD, stored
from tests.services.test_strands import add_provider, add_strand, add_stream

Q3 = Quarter.parse("2024/25 Q3")
Q4 = Quarter.parse("2024/25 Q4")
WHEN = re.compile(r"at \d\d:\d\d on \d{1,2} [A-Z][a-z]+ 20\d\d after you opened it")


@pytest.fixture
def strand(db) -> int:
    return add_strand(db, add_provider(db), add_stream(db))


def audit_rows(db) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_return_saved_by_a_colleague_after_the_form_opened_refuses_the_stale_save(db, strand):
    save_return(db, strand, Q3, GOOD, who="jsmith")
    form_a = return_form(db, strand, Q3)
    form_b = return_form(db, strand, Q3)
    save_return(db, strand, Q3, {"victims_supported": "120"}, who="jsmith", version=form_a.version)
    before = audit_rows(db)

    with pytest.raises(StaleRecordError) as refused:
        save_return(db, strand, Q3, {"victims_supported": "150"}, who="akhan", version=form_b.version)

    message = str(refused.value)
    assert message.startswith("Return WY-001 2024/25 Q3 was changed by jsmith ")
    assert WHEN.search(message), message
    assert message.endswith("Reload to see their figures; what you typed is still in the form.")
    assert refused.value.who == "jsmith"
    assert stored(db, strand, Q3)["victims_supported"] == 120  # the colleague's figure is kept
    assert audit_rows(db) == before  # nothing of the refused save was written


def test_a_stale_save_of_a_figure_nobody_else_changed_is_still_refused(db, strand):
    # One rule an officer can predict: any save since the form opened refuses it, even one that
    # touched another figure (or only a note), so nobody's figures are merged unseen.
    save_return(db, strand, Q3, GOOD)
    loaded = return_form(db, strand, Q3).version
    save_return(db, strand, Q3, {"reported_after": "3"}, who="jsmith", version=loaded)
    with pytest.raises(StaleRecordError, match="changed by jsmith"):
        save_return(db, strand, Q3, {"referred_mental_health": "4"}, version=loaded)
    assert stored(db, strand, Q3)["referred_mental_health"] == 3


def test_a_change_to_one_figure_moves_the_returns_version_and_a_reload_saves(db, strand):
    save_return(db, strand, Q3, GOOD)
    first = return_form(db, strand, Q3).version
    save_return(db, strand, Q3, {"reported_after": "3"}, version=first)
    reloaded = return_form(db, strand, Q3)
    assert reloaded.version == first + 1
    save_return(db, strand, Q3, {"referred_mental_health": "4"}, version=reloaded.version)
    assert stored(db, strand, Q3)["referred_mental_health"] == 4


def test_two_officers_creating_the_same_missing_return_the_second_is_refused(db, strand):
    assert return_form(db, strand, Q3).version == 0  # no return yet
    save_return(db, strand, Q3, GOOD, who="jsmith", version=0)
    with pytest.raises(StaleRecordError, match="^Return WY-001 2024/25 Q3 was changed by jsmith"):
        save_return(db, strand, Q3, {**GOOD, "victims_supported": "101"}, version=0)
    assert stored(db, strand, Q3)["victims_supported"] == 100


def test_the_grid_refuses_every_row_when_one_was_saved_by_someone_else_since_it_loaded(demo_db):
    grid = quarter_grid(demo_db, Q4)
    first, second = [r for r in grid.rows if r.editable and r.return_id][:2]
    save_return(demo_db, second.strand_id, Q4, {"reported_after": str(second.values["reported_after"] + 1)},
                who="jsmith", version=second.version)
    edits = {
        first.strand_id: {"reported_after": str(first.values["reported_after"] + 1)},
        second.strand_id: {"reported_after": str(second.values["reported_after"] + 5)},
    }
    versions = {row.strand_id: row.version for row in (first, second)}
    with pytest.raises(StaleRecordError) as refused:
        save_grid(demo_db, Q4, edits, versions=versions)
    assert str(refused.value).startswith(f"Return {second.reference} 2024/25 Q4 was changed by jsmith")
    assert str(refused.value).endswith("what you typed is still in the grid.")
    after = quarter_grid(demo_db, Q4)
    assert after.row_for(first.strand_id).values == first.values  # all or nothing
    assert after.row_for(second.strand_id).values["reported_after"] == second.values["reported_after"] + 1


def test_an_import_previewed_before_a_colleague_changed_only_a_note_is_refused(demo_db, tmp_path):
    from tests.excel.test_templates import fill_template
    from tests.services.test_template_import import AIRE

    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    grid = quarter_grid(demo_db, Q4)
    row = next(r for r in grid.rows if r.reference == "WY-004")
    fill_template(path, {"WY-004": {"Victims supported": row.values["victims_supported"] + 2}})
    preview = preview_import(demo_db, [path])
    # The figures stay as previewed; only the return's notes change. Still a save since the preview.
    save_return(demo_db, row.strand_id, Q4, {}, return_notes="Checked with the provider by phone", who="jsmith")
    with demo_db.reading() as session:
        before = session.scalar(select(Return.version).where(Return.id == row.return_id))
    with pytest.raises(ImportRefused, match="the figures changed since your preview: preview again"):
        commit_import(demo_db, preview)
    with demo_db.reading() as session:
        assert session.scalar(select(Return.version).where(Return.id == row.return_id)) == before
    assert quarter_grid(demo_db, Q4).row_for(row.strand_id).values == row.values


# ---------------------------------------------------------------- the register and the indicators


def test_a_provider_saved_by_a_colleague_refuses_the_stale_form_and_keeps_their_change(db):
    from desktop_app.services.providers import get_provider, save_provider

    provider_id = add_provider(db)
    opened = get_provider(db, provider_id)
    save_provider(db, replace(opened.draft, contact_name="Jo Smith"), provider_id, who="jsmith", version=opened.version)
    with pytest.raises(StaleRecordError, match="^Provider Bradford Women's Aid was changed by jsmith at "):
        save_provider(db, replace(opened.draft, notes="Moved office"), provider_id, version=opened.version)
    now = get_provider(db, provider_id)
    assert (now.contact_name, now.notes) == ("Jo Smith", "")


def test_changing_only_a_providers_districts_still_moves_its_version(db):
    from desktop_app.services.providers import get_provider, save_provider

    provider_id = add_provider(db)
    opened = get_provider(db, provider_id)
    save_provider(db, replace(opened.draft, district_keys=("leeds",)), provider_id, who="jsmith", version=opened.version)
    with pytest.raises(StaleRecordError, match="changed by jsmith"):
        save_provider(db, replace(opened.draft, notes="x"), provider_id, version=opened.version)


def test_a_stale_provider_delete_is_refused(db):
    from desktop_app.services.providers import delete_provider, get_provider, save_provider

    provider_id = add_provider(db)
    opened = get_provider(db, provider_id)
    save_provider(db, replace(opened.draft, notes="Still funded"), provider_id, who="jsmith", version=opened.version)
    with pytest.raises(StaleRecordError, match="changed by jsmith"):
        delete_provider(db, provider_id, version=opened.version)
    assert get_provider(db, provider_id).notes == "Still funded"


def test_a_strand_saved_by_a_colleague_refuses_the_stale_form(db, strand):
    from desktop_app.services.strands import get_strand, save_strand

    opened = get_strand(db, strand)
    save_strand(db, replace(opened.draft, theme_keys=()), strand, who="jsmith", version=opened.version)
    with pytest.raises(StaleRecordError, match="^Strand WY-001 was changed by jsmith at "):
        save_strand(db, replace(opened.draft, name="Bradford IDVA and ISVA"), strand, version=opened.version)
    assert get_strand(db, strand).name == "Bradford IDVA service"


def test_a_funding_stream_whose_budget_a_colleague_changed_refuses_the_stale_form(db):
    from desktop_app.services.funding import get_funding_stream, save_funding_stream

    stream_id = add_stream(db)
    opened = get_funding_stream(db, stream_id)
    budgets = dict(opened.budgets)
    save_funding_stream(db, replace(opened.draft, budgets=tuple({**budgets, 2024: 470_000_000}.items())), stream_id,
                        who="jsmith", version=opened.version)
    with pytest.raises(StaleRecordError, match="^Funding stream .* was changed by jsmith at "):
        save_funding_stream(db, replace(opened.draft, notes="Year two agreed"), stream_id, version=opened.version)
    assert get_funding_stream(db, stream_id).budgets[2024] == 470_000_000


def test_allocations_a_colleague_changed_refuse_the_stale_dialog(db, strand):
    from desktop_app.services.strands import get_strand, set_allocations

    set_allocations(db, strand, {2022: 10_000_000})
    opened = get_strand(db, strand)
    set_allocations(db, strand, {2022: 12_000_000, 2023: 5_000_000}, who="jsmith", versions=opened.allocation_versions)
    with pytest.raises(StaleRecordError, match="allocation of WY-001 was changed by jsmith at "):
        set_allocations(db, strand, {2022: 11_000_000}, versions=opened.allocation_versions)
    assert get_strand(db, strand).allocations == {2022: 12_000_000, 2023: 5_000_000}


def test_indicator_settings_a_colleague_changed_refuse_the_stale_dialog(demo_db):
    from desktop_app.services.indicators import get_indicator, list_indicators, update_indicator_settings

    opened = list_indicators(demo_db)[0]
    update_indicator_settings(demo_db, opened.id, opened.baseline_value, opened.baseline_period, opened.target_value,
                              "Agreed with the Panel", opened.tolerance_pct, who="jsmith", version=opened.version)
    with pytest.raises(StaleRecordError, match=f"^Indicator {opened.code} .* was changed by jsmith at "):
        update_indicator_settings(demo_db, opened.id, opened.baseline_value, opened.baseline_period,
                                  opened.target_value, opened.target_note, 5, version=opened.version)
    assert get_indicator(demo_db, opened.id).target_note == "Agreed with the Panel"
