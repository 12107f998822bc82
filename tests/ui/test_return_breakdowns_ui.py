"""The whole MoJ return in the window: referrals, outcomes with their rates and the breakdowns of
victims supported, entered in the form or opened from the grid, over a fresh copy of the demo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.outcomes import outcome_pairs
from desktop_app.core.periods import Quarter
from desktop_app.services.returns import quarter_grid, return_form, save_return
from desktop_app.ui.pages.returns.breakdown_dialog import BreakdownDialog
from desktop_app.ui.pages.returns.grid_model import FIRST_MEASURE
from tests.ui.test_returns_page import Q4, db_of, open_form_from_grid, retype, submitted_run, type_in_cell

TOTAL = "victims_supported"


@pytest.fixture
def page(qtbot, demo_window):
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    return demo_window.show_page("returns")


def broken_down_row(page) -> int:
    """Show the latest quarter with an editable return whose victims supported are broken down
    (every breakdown adding up, as the demo makes them), and give that row."""
    for label in [page.quarter_combo.itemData(i) for i in range(page.quarter_combo.count())]:
        quarter = Quarter.parse(label)
        if any(r.breakdowns and r.editable for r in quarter_grid(db_of(page), quarter).rows):
            page.choose_quarter(quarter)
            break
    rows = page.grid_model.rows()
    return next(i for i, r in enumerate(rows) if r.breakdowns and r.values.get(TOTAL) and r.editable
                and r.status is not None and r.values[TOTAL] > 20)


def tab_of(dialog, widget) -> int:
    return next(i for i in range(dialog.tabs.count()) if dialog.tabs.widget(i).isAncestorOf(widget))


def test_the_forms_tabs_are_the_catalogues_groups_with_a_breakdowns_tab_after_the_measure_that_has_them(qtbot, page):
    dialog = open_form_from_grid(qtbot, page, submitted_run(page, 1))
    expected = []
    for field in dialog.data.fields:
        if field.group not in expected:
            expected.append(field.group)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert [t for t in titles if not t.endswith(": breakdowns")] == expected
    broken_down = [key for key in dialog.inputs if dialog.data.breakdowns_of(key)]
    assert broken_down
    for key in broken_down:
        panel = dialog.breakdowns_panel(key)  # built as its tab is first shown
        label = dialog.data.checker.label(key)
        assert f"{label}: breakdowns" in titles
        assert [b.key for b in dialog.data.breakdowns_of(key)] == list(panel.tables)
        for breakdown in dialog.data.breakdowns_of(key):
            assert list(panel.tables[breakdown.key].edits) == [c.key for c in breakdown.categories]
            assert "not_known" in panel.tables[breakdown.key].edits
    dialog.discard()


def test_an_officer_enters_a_whole_return_with_referrals_outcomes_and_breakdowns_and_it_is_stored(qtbot, page):
    index = next(i for i, r in enumerate(page.grid_model.rows()) if r.status is None)
    strand_id = page.grid_model.row_at(index).strand_id
    dialog = open_form_from_grid(qtbot, page, index)
    typed = {TOTAL: 120, "referrals_received": 150, "victims_closed": 80}
    for key, figure in typed.items():
        retype(qtbot, dialog.inputs[key].edit, str(figure))
    money = next(f.key for f in dialog.data.fields if f.unit == "pence")
    retype(qtbot, dialog.inputs[money].edit, "123450")  # pence, read back in pounds beside it
    assert dialog.inputs[money].rate_label.text() == "= £1,234.50"
    typed[money] = 123450
    pairs = outcome_pairs(dialog.data.measures)
    assert pairs  # the catalogue's outcomes, whatever they are
    for n, pair in enumerate(pairs):
        measured, improved = 60 - n, 45 - n
        retype(qtbot, dialog.inputs[pair.measured.key].edit, str(measured))
        retype(qtbot, dialog.inputs[pair.improved.key].edit, str(improved))
        typed |= {pair.measured.key: measured, pair.improved.key: improved}
        percent = f"{100 * improved / measured:.1f}%"
        assert dialog.inputs[pair.improved.key].rate_label.text() == f"{percent} improved ({improved} of {measured})"
    panel = dialog.breakdowns_panel(TOTAL)
    breakdowns = {}
    for table in panel.tables.values():
        first = next(iter(table.edits))
        retype(qtbot, table.edits[first], "100")
        retype(qtbot, table.edits["not_known"], "20")
        breakdowns |= {table.cell(first): 100, table.cell("not_known"): 20}
        assert table.sum_label.text() == "Adds up to 120 of 120"
    assert not any(mark == "error" for mark in dialog.tab_marks)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    stored = return_form(db_of(page), strand_id, Q4)
    assert {k: stored.values[k] for k in typed} == typed
    assert dict(stored.breakdown_values) == breakdowns
    # The grid shows the new return, and its total's breakdowns are complete: nothing marked for them.
    row = page.grid_model.row_at(page.grid_model.row_of(strand_id))
    assert row.values[TOTAL] == 120 and not [p for p in page.grid_model.cell_problems(row, TOTAL) if p.breakdown_key]
    lines = page.grid_model.breakdown_lines(row, TOTAL)
    assert len(lines) == len(dialog.data.breakdowns_of(TOTAL)) and all("adds up to 120 of 120" in line for line in lines)


def test_a_breakdown_beyond_the_total_is_refused_naming_the_breakdown_the_category_and_both_sums(qtbot, page):
    index = broken_down_row(page)
    row = page.grid_model.row_at(index)
    dialog = open_form_from_grid(qtbot, page, index)
    total = row.values[TOTAL]
    table = dialog.breakdowns_panel(TOTAL).tables["sex"]
    others = sum(v for (m, b, c), v in row.breakdowns.items() if m == TOTAL and b == "sex" and c != "female")
    dialog.show_tab_of(table)
    retype(qtbot, table.edits["female"], str(total + 5))
    added = others + total + 5
    assert "too many" in table.sum_label.text() and f"{added:,} of {total:,}" in table.sum_label.text()
    assert dialog.tabs.currentIndex() == tab_of(dialog, table) and dialog.tab_marks[tab_of(dialog, table)] == "error"
    dialog.save_button.click()
    assert dialog.isVisible()
    problem = dialog.problem.text()
    assert "Victims supported by sex" in problem and "Female" in problem
    assert f"{added:,}" in problem and f"{total:,}" in problem
    assert return_form(db_of(page), row.strand_id, page.quarter).breakdown_values == row.breakdowns  # nothing written
    dialog.reject()  # Esc: the typed category is not thrown away without a question
    assert dialog.isVisible() and dialog.discard_box is not None
    dialog.discard()


def test_a_breakdown_short_of_the_total_saves_with_a_warning_asking_for_not_known(qtbot, page):
    index = broken_down_row(page)
    row = page.grid_model.row_at(index)
    dialog = open_form_from_grid(qtbot, page, index)
    table = dialog.breakdowns_panel(TOTAL).tables["age_band"]
    first = next(iter(table.edits))
    before = row.breakdowns.get(table.cell(first), 0)
    assert before >= 3 or row.breakdowns.get(table.cell("not_known"), 0) >= 3
    cell = table.cell(first) if before >= 3 else table.cell("not_known")
    now = row.breakdowns[cell] - 3
    retype(qtbot, table.edits[cell[2]], str(now))
    assert "3 short" in table.sum_label.text()
    assert dialog.tab_marks[tab_of(dialog, table)] == "warning"
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert return_form(db_of(page), row.strand_id, page.quarter).breakdown_values[cell] == now
    # The grid marks the total's cell: a warning that says how short and what to do.
    shown = page.grid_model.row_at(page.grid_model.row_of(row.strand_id))
    assert page.grid_model.cell_mark(shown, TOTAL) == "warning"
    tip = page.grid_model.index(page.grid_model.row_of(row.strand_id), FIRST_MEASURE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Victims supported by age band" in tip and "3 short" in tip and "Not known" in tip


def test_the_grid_marks_a_total_its_breakdowns_no_longer_fit_and_opens_them_from_the_cell(qtbot, page):
    model = page.grid_model
    index = broken_down_row(page)
    row = model.row_at(index)
    column = model.column_of(TOTAL)
    total = row.values[TOTAL]
    type_in_cell(qtbot, page, index, column, str(total + 10))
    assert model.cell_mark(row, TOTAL) == "warning"  # the categories now fall 10 short
    assert "10 short" in model.index(index, column).data(Qt.ItemDataRole.ToolTipRole)
    type_in_cell(qtbot, page, index, column, str(total - 10))
    assert model.cell_mark(row, TOTAL) == "error"  # beyond the total: saving is refused
    assert not page.grid_panel.save_button.isEnabled()
    page.grid_panel.discard_button.click()
    assert model.cell_mark(row, TOTAL) is None

    # Double-click on the total opens its breakdowns (typing still edits the figure).
    view = page.grid_view
    rect = view.visualRect(model.index(index, column))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = page.active_dialog
    assert isinstance(dialog, BreakdownDialog) and not view.state() == view.State.EditingState
    table = dialog.panel.tables["sex"]
    not_known = row.breakdowns.get(table.cell("not_known"), 0)
    retype(qtbot, table.edits["not_known"], str(not_known + 4))
    assert "4 too many" in table.sum_label.text()
    dialog.reject()  # Esc with a typed figure asks first
    assert dialog.isVisible() and dialog.discard_box is not None
    dialog.discard_box.button(dialog.discard_box.StandardButton.Cancel).click()
    dialog.save_button.click()
    assert dialog.isVisible() and "more than the total" in dialog.problem.text()
    retype(qtbot, table.edits["not_known"], str(not_known + 0))
    female = row.breakdowns[table.cell("female")]
    retype(qtbot, table.edits["female"], str(female - 2))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    stored = return_form(db_of(page), row.strand_id, page.quarter)
    assert stored.breakdown_values[table.cell("female")] == female - 2
    assert "Saved the breakdowns of Victims supported" in page.message_label.text()
    assert model.cell_mark(model.row_at(model.row_of(row.strand_id)), TOTAL) == "warning"

    # Ctrl+B on the cell opens them too; a strand column has none to open.
    view.setFocus()
    view.setCurrentIndex(model.index(model.row_of(row.strand_id), column))
    qtbot.keyClick(view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(page.active_dialog, BreakdownDialog)
    page.active_dialog.discard()


def test_breakdowns_opened_from_the_grid_refuse_to_save_over_a_return_saved_since(qtbot, page):
    model = page.grid_model
    index = broken_down_row(page)
    row = model.row_at(index)
    dialog = page.open_breakdowns(row.strand_id, TOTAL)
    # Another officer saves the same return meanwhile.
    save_return(db_of(page), row.strand_id, page.quarter, {"referred_mental_health": str((row.values["referred_mental_health"] or 0) + 1)})
    table = dialog.panel.tables["sex"]
    retype(qtbot, table.edits["female"], str(row.breakdowns[table.cell("female")] - 1))
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.reload_button.isVisible()
    assert return_form(db_of(page), row.strand_id, page.quarter).breakdown_values == row.breakdowns
    dialog.discard()


def test_the_totals_row_adds_up_the_rows_shown_unsaved_figures_included_with_outcome_rates(qtbot, page):
    model, totals = page.grid_model, page.grid_panel.totals_model
    column = model.column_of(TOTAL)
    grid = quarter_grid(db_of(page), Q4)
    assert totals.index(0, column).data() == f"{sum(r.values[TOTAL] or 0 for r in grid.rows):,}"
    assert totals.index(0, 1).data() == f"{len(grid.rows)} strands"
    index = submitted_run(page, 1)
    before = sum(r.values[TOTAL] or 0 for r in grid.rows)
    type_in_cell(qtbot, page, index, column, str(model.row_at(index).values[TOTAL] + 7))
    assert totals.index(0, column).data() == f"{before + 7:,}"
    page.grid_panel.discard_button.click()
    # A provider chosen: the totals are that provider's.
    page.provider_combo.setCurrentIndex(1)
    provider = page.provider_combo.currentData()
    mine = [r for r in grid.rows if r.provider_id == provider]
    assert totals.index(0, column).data() == f"{sum(r.values[TOTAL] or 0 for r in mine):,}"
    page.provider_combo.setCurrentIndex(0)
    for pair in outcome_pairs(grid.columns):
        improved = sum(r.values[pair.improved.key] or 0 for r in grid.rows)
        measured = sum(r.values[pair.measured.key] or 0 for r in grid.rows)
        if measured:
            tip = totals.index(0, model.column_of(pair.improved.key)).data(Qt.ItemDataRole.ToolTipRole)
            assert f"{100 * improved / measured:.1f}% improved ({improved:,} of {measured:,})" in tip


NEW_OUTCOME = """
[[measures]]
key = "voice_heard_measured"
label = "Outcome measured: felt their voice was heard"
short_label = "Voice meas."
group = "Voice of the victim"
unit = "victims"
help = "Of the victims who left the service, for how many this outcome was measured."
valid_from = 2018-04-01
order = 150
ceiling = 1_000_000
report_sentence = "The outcome was measured for {value} victims."

[[measures]]
key = "voice_heard_improved"
label = "Outcome improved: felt their voice was heard"
short_label = "Voice impr."
group = "Voice of the victim"
unit = "victims"
help = "Of the victims it was measured for, how many reported it."
valid_from = 2018-04-01
order = 155
ceiling = 1_000_000
report_sentence = "{value} of them felt their voice was heard."

"""


def test_an_outcome_added_to_the_catalogue_file_gets_its_own_tab_and_rate_on_the_form(qtbot, demo_path, tmp_path, monkeypatch):
    from desktop_app.paths import reference_data_file
    from desktop_app.services.workspace import Workspace
    from desktop_app.store import database as database_module
    from desktop_app.store.database import open_database
    from desktop_app.ui.pages.returns.form import ReturnDialog

    text = reference_data_file().read_text(encoding="utf-8")
    marker = "# ---------------------------------------------------------------------------------------------\n# Breakdowns:"
    edited = tmp_path / "reference_data.toml"
    edited.write_text(text.replace(marker, NEW_OUTCOME + marker, 1), encoding="utf-8")
    monkeypatch.setattr(database_module, "reference_data_file", lambda: edited)
    db = open_database(demo_path)
    try:
        strand_id = quarter_grid(db, Q4).rows[0].strand_id
        dialog = ReturnDialog(Workspace(db), strand_id, Q4)
        qtbot.addWidget(dialog)
        titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        assert titles[-1] == "Voice of the victim"
        retype(qtbot, dialog.inputs["voice_heard_measured"].edit, "40")
        retype(qtbot, dialog.inputs["voice_heard_improved"].edit, "30")
        assert dialog.inputs["voice_heard_improved"].rate_label.text() == "75.0% improved (30 of 40)"
        dialog.discard()
    finally:
        db.close()
