"""Every record dialog saves and refuses the same way: text that is not money is named beside its
field, a refusal stays under the form, and nothing is written until the dialog closes."""

from __future__ import annotations

from desktop_app.services.finance import list_funding_lines
from desktop_app.services.funding import list_funding_streams
from desktop_app.ui.pages.finance.funding_dialogs import ExtendStreamDialog, FundingLineForm


def _core(db):
    return next(s for s in list_funding_streams(db) if " Core " in s.name)


def test_a_line_budget_that_is_not_money_is_named_beside_its_year_and_nothing_is_saved(qtbot, demo_window):
    db = demo_window.workspace.db
    core = _core(db)
    form = FundingLineForm(demo_window.workspace, core)
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.key_edit, "witness")
    qtbot.keyClicks(form.name_edit, "Witness care")
    year = next(iter(form.budget_edits))
    qtbot.keyClicks(form.budget_edits[year], "lots")
    form.save_button.click()
    assert form.isVisible() and form.changed is None
    assert form.rows.error_text(f"budget_{year}")
    assert form.name_edit.text() == "Witness care"  # what was typed stays
    assert list_funding_lines(db, core.id) == []


def test_an_extension_left_without_a_budget_is_refused_by_the_service_beside_the_budget(qtbot, demo_window):
    db = demo_window.workspace.db
    core = _core(db)
    years = set(core.budgets)
    dialog = ExtendStreamDialog(demo_window.workspace, core)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.budget_edit, "two million")
    qtbot.keyClicks(dialog.reason_edit, "Addendum of 12 Feb 2025")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.rows.error_text("budget_pence")
    dialog.budget_edit.clear()
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.changed is None
    assert "Enter the new year's budget" in dialog.rows.error_text("budget_pence")
    assert set(_core(db).budgets) == years

    qtbot.keyClicks(dialog.budget_edit, "£2,300,000")
    dialog.save_button.click()
    assert not dialog.isVisible() and dialog.changed.touches("funding")
    assert _core(db).budgets[dialog.next_year.start_year] == 230_000_000
