"""Two officers on one return, through the real form and grid: the second save is refused with
who and when, every typed figure stays where it was typed, and Reload shows the other's figures."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.returns import return_form, save_return
from desktop_app.services.workspace import Workspace
from desktop_app.store.database import open_database
from desktop_app.ui.pages.returns.form import ReturnDialog
from desktop_app.ui.pages.returns.grid_model import FIRST_MEASURE
from tests.ui.test_returns_page import db_of, page, retype, submitted_run  # noqa: F401 - the page fixture

Q4 = Quarter.parse("2024/25 Q4")


@pytest.fixture
def workspace(demo_path):
    workspace = Workspace(open_database(demo_path))
    yield workspace
    workspace.close()


def _submitted_strand(workspace) -> int:
    from desktop_app.services.returns import quarter_grid

    return next(r.strand_id for r in quarter_grid(workspace.db, Q4).rows if r.status is ReturnStatus.SUBMITTED)


def _open(qtbot, workspace, strand_id) -> ReturnDialog:
    dialog = ReturnDialog(workspace, strand_id, Q4)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_second_officers_stale_save_is_refused_and_keeps_every_figure_they_typed(qtbot, workspace):
    strand = _submitted_strand(workspace)
    held = return_form(workspace.db, strand, Q4).values
    officer_a, officer_b = _open(qtbot, workspace, strand), _open(qtbot, workspace, strand)

    retype(qtbot, officer_a.inputs["victims_supported"].edit, str(held["victims_supported"] + 1))
    officer_a.save_button.click()
    assert not officer_a.isVisible()  # A's save went through

    typed = {"victims_supported": f"{held['victims_supported'] + 4:,}", "reported_after": f"{held['reported_after'] + 2:,}"}
    for key, text in typed.items():
        retype(qtbot, officer_b.inputs[key].edit, text)
    qtbot.keyClicks(officer_b.notes_edit, "Figures agreed on the phone")
    officer_b.save_button.click()

    assert officer_b.isVisible()
    problem = officer_b.problem.text()
    assert " was changed by " in problem and "after you opened it" in problem
    assert problem.endswith("Reload to see their figures; what you typed is still in the form.")
    for key, text in typed.items():
        assert officer_b.inputs[key].edit.text() == text  # nothing typed is thrown away
    assert officer_b.notes_edit.toPlainText() == "Figures agreed on the phone"
    assert officer_b.reload_button.isVisible()
    stored = return_form(workspace.db, strand, Q4).values
    assert stored["victims_supported"] == held["victims_supported"] + 1  # A's figures are kept
    assert stored["reported_after"] == held["reported_after"]


def test_reload_shows_the_other_officers_figures_and_then_saves(qtbot, workspace):
    strand = _submitted_strand(workspace)
    held = return_form(workspace.db, strand, Q4).values
    dialog = _open(qtbot, workspace, strand)
    save_return(workspace.db, strand, Q4, {"reported_after": str(held["reported_after"] + 3)}, who="jsmith")
    retype(qtbot, dialog.inputs["victims_supported"].edit, str(held["victims_supported"] + 2))
    dialog.save_button.click()
    assert "was changed by jsmith" in dialog.problem.text()

    dialog.reload_button.click()
    assert dialog.inputs["reported_after"].edit.text() == f"{held['reported_after'] + 3:,}"
    assert dialog.inputs["victims_supported"].edit.text() == f"{held['victims_supported']:,}"
    assert not dialog.reload_button.isVisible()
    retype(qtbot, dialog.inputs["victims_supported"].edit, str(held["victims_supported"] + 2))
    dialog.save_button.click()
    assert not dialog.isVisible()
    stored = return_form(workspace.db, strand, Q4).values
    assert (stored["victims_supported"], stored["reported_after"]) == (
        held["victims_supported"] + 2, held["reported_after"] + 3
    )


def test_the_form_hands_the_service_only_the_inputs_the_officer_changed(qtbot, workspace):
    strand = _submitted_strand(workspace)
    held = return_form(workspace.db, strand, Q4).values
    dialog = _open(qtbot, workspace, strand)
    retype(qtbot, dialog.inputs["reported_after"].edit, str(held["reported_after"] + 1))
    assert dialog.changed_figures() == {"reported_after": f"{held['reported_after'] + 1}"}
    assert dialog.changed_notes() == {}


def test_the_grid_refuses_a_row_saved_elsewhere_keeps_the_typing_and_reload_shows_theirs(qtbot, page):  # noqa: F811
    model = page.grid_model
    index = submitted_run(page, 2)
    mine, theirs = model.row_at(index), model.row_at(index + 1)
    model.setData(model.index(index, FIRST_MEASURE), str(mine.values["victims_supported"] + 1))
    model.setData(model.index(index + 1, FIRST_MEASURE), str(theirs.values["victims_supported"] + 7))
    # A colleague saves the second strand's return from their own copy meanwhile.
    save_return(db_of(page), theirs.strand_id, Q4, {"victims_supported": str(theirs.values["victims_supported"] + 1)},
                who="jsmith")

    assert page.save_grid() is False
    message = page.message_label.text()
    assert f"Return {theirs.reference} 2024/25 Q4 was changed by jsmith" in message
    assert "what you typed is still in the grid" in message
    assert model.changed_cells() == 2  # nothing typed was thrown away
    assert return_form(db_of(page), mine.strand_id, Q4).values == mine.values  # all or nothing
    assert page.grid_panel.reload_button.isVisible()

    page.grid_panel.reload_button.click()
    assert model.index(index + 1, FIRST_MEASURE).data() == f"{theirs.values['victims_supported'] + 1:,}"
    assert model.row_edits(theirs.strand_id) == {}
    assert model.row_edits(mine.strand_id) == {"victims_supported": str(mine.values["victims_supported"] + 1)}
    assert page.save_grid() is True
    assert return_form(db_of(page), mine.strand_id, Q4).values["victims_supported"] == mine.values["victims_supported"] + 1


# ---------------------------------------------------------------- the register and the indicators


@pytest.fixture
def register(qtbot, tmp_path, db_path):
    """A workspace on a fresh file with one provider, one stream and one strand."""
    from tests.services.test_strands import add_provider, add_strand, add_stream

    workspace = Workspace(open_database(db_path))
    provider = add_provider(workspace.db)
    stream = add_stream(workspace.db)
    strand = add_strand(workspace.db, provider, stream)
    yield workspace, provider, stream, strand
    workspace.close()


def _shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _refused_with_reload(dialog) -> None:
    dialog.save_button.click()
    assert dialog.isVisible()
    assert " was changed by jsmith at " in dialog.problem.text()
    assert dialog.problem.text().endswith("what you typed is still in the form.")
    assert dialog.reload_button.isVisible()


def test_the_provider_form_refuses_a_stale_save_keeps_the_typing_and_reloads(qtbot, register):
    from desktop_app.services.providers import get_provider, save_provider
    from desktop_app.ui.pages.providers.form import ProviderForm

    workspace, provider_id, *_ = register
    row = get_provider(workspace.db, provider_id)
    form = _shown(qtbot, ProviderForm(workspace, row))
    save_provider(workspace.db, replace(row.draft, contact_name="Jo Smith"), provider_id, who="jsmith", version=row.version)
    retype(qtbot, form.contact_phone_edit, "0113 496 0000")
    _refused_with_reload(form)
    assert form.contact_phone_edit.text() == "0113 496 0000" and form.contact_name_edit.text() == ""
    assert get_provider(workspace.db, provider_id).contact_name == "Jo Smith"

    form.reload_button.click()
    assert form.contact_name_edit.text() == "Jo Smith" and not form.reload_button.isVisible()
    retype(qtbot, form.contact_phone_edit, "0113 496 0000")
    form.save_button.click()
    assert not form.isVisible()
    saved = get_provider(workspace.db, provider_id)
    assert (saved.contact_name, saved.contact_phone) == ("Jo Smith", "0113 496 0000")


def test_the_strand_form_refuses_a_stale_save_and_keeps_the_typing(qtbot, register):
    from desktop_app.services.strands import get_strand, save_strand
    from desktop_app.ui.pages.strands.strand_form import StrandForm

    workspace, _provider, _stream, strand_id = register
    row = get_strand(workspace.db, strand_id)
    form = _shown(qtbot, StrandForm(workspace, row))
    save_strand(workspace.db, replace(row.draft, notes="Contract extended"), strand_id, who="jsmith", version=row.version)
    retype(qtbot, form.name_edit, "Bradford IDVA and outreach")
    _refused_with_reload(form)
    assert form.name_edit.text() == "Bradford IDVA and outreach"
    form.reload_button.click()
    assert form.notes_edit.toPlainText() == "Contract extended" and form.name_edit.text() == "Bradford IDVA service"


def test_the_allocations_dialog_refuses_a_stale_save_and_keeps_the_typing(qtbot, register):
    from desktop_app.services.strands import get_strand, set_allocations
    from desktop_app.ui.pages.strands.allocation_dialog import AllocationDialog

    workspace, _provider, _stream, strand_id = register
    set_allocations(workspace.db, strand_id, {2022: 10_000_000})
    dialog = _shown(qtbot, AllocationDialog(workspace, get_strand(workspace.db, strand_id)))
    set_allocations(workspace.db, strand_id, {2022: 12_000_000}, who="jsmith")
    retype(qtbot, dialog.amount_edits[2022], "110,000")
    _refused_with_reload(dialog)
    assert dialog.amount_edits[2022].pence() == 11_000_000
    assert get_strand(workspace.db, strand_id).allocations == {2022: 12_000_000}
    dialog.reload_button.click()
    assert dialog.amount_edits[2022].pence() == 12_000_000


def test_the_funding_stream_form_refuses_a_stale_save_and_keeps_the_typing(qtbot, register):
    from desktop_app.services.funding import get_funding_stream, save_funding_stream
    from desktop_app.ui.pages.strands.funding_form import FundingStreamForm

    workspace, _provider, stream_id, _strand = register
    row = get_funding_stream(workspace.db, stream_id)
    form = _shown(qtbot, FundingStreamForm(workspace, row))
    save_funding_stream(workspace.db, replace(row.draft, funder="MoJ"), stream_id, who="jsmith", version=row.version)
    retype(qtbot, form.name_edit, "MoJ victims' grant 2022 to 2025")
    _refused_with_reload(form)
    assert form.name_edit.text() == "MoJ victims' grant 2022 to 2025"
    form.reload_button.click()
    assert form.funder_edit.text() == "MoJ"


def test_the_indicator_settings_dialog_refuses_a_stale_save_and_keeps_the_typing(qtbot, workspace):
    from desktop_app.services.indicators import list_indicators, update_indicator_settings
    from desktop_app.ui.pages.indicators.settings_dialog import IndicatorSettingsDialog

    row = list_indicators(workspace.db)[0]
    dialog = _shown(qtbot, IndicatorSettingsDialog(workspace, row))
    update_indicator_settings(workspace.db, row.id, row.baseline_value, row.baseline_period, row.target_value,
                              "Agreed with the Panel", row.tolerance_pct, who="jsmith")
    retype(qtbot, dialog.tolerance_edit, "5")
    _refused_with_reload(dialog)
    assert dialog.tolerance_edit.text() == "5"
    dialog.reload_button.click()
    assert dialog.target_note_edit.text() == "Agreed with the Panel"
