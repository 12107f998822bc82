"""The Returns page through the real window: pasting, marking, saving, the form, the workflow
and completeness, over a fresh copy of the demo database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.checks import run_checks
from desktop_app.services.returns import (
    completeness_matrix,
    due_days,
    quarter_grid,
    return_form,
)
from desktop_app.store.models import AuditEvent
from desktop_app.ui.pages.returns.form import COPIED_NOTICE, LOCKED_NOTICE, ReturnDialog
from desktop_app.ui.pages.returns.grid_model import FIRST_MEASURE
from desktop_app.ui.pages.returns.reason_dialog import TextDialog

Q4 = Quarter.parse("2024/25 Q4")
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def page(qtbot, demo_window):
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    page = demo_window.show_page("returns")
    assert page.quarter == Q4  # the latest quarter with returns due
    return page


def db_of(page):
    return page.workspace.db


def submitted_run(page, length: int = 3) -> int:
    """The first of `length` rows in a row that all have submitted returns."""
    rows = page.grid_model.rows()
    return next(
        i for i in range(len(rows) - length)
        if all(r.status is ReturnStatus.SUBMITTED for r in rows[i:i + length])
    )


def paste(qtbot, page, row: int, column: int, text: str) -> None:
    view = page.grid_view
    view.setFocus()
    view.setCurrentIndex(page.grid_model.index(row, column))
    QGuiApplication.clipboard().setText(text)
    qtbot.keyClick(view, Qt.Key.Key_V, CTRL)


def type_in_cell(qtbot, page, row: int, column: int, text: str) -> None:
    """Select a cell, type as an officer does (the first key opens the editor) and press Enter."""
    view = page.grid_view
    index = page.grid_model.index(row, column)
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, text[0])
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.currentIndex().row() == row + 1)  # Enter moved down


def stored(page, strand_id: int, quarter: Quarter = Q4) -> dict:
    return return_form(db_of(page), strand_id, quarter).values


def test_a_pasted_block_with_one_bad_cell_is_marked_and_nothing_is_saved_until_it_is_fixed(qtbot, page):
    model = page.grid_model
    top = submitted_run(page)
    rows = [model.row_at(top + i) for i in range(3)]
    keys = [m.key for m in model.grid.columns][:4]  # supported, IDVA, ISVA, reported before
    block = []
    for row in rows:
        figures = dict(row.values)
        figures["victims_supported"] += 2
        figures["reported_before"] += 1
        block.append([f"{figures[k]:,}" for k in keys])
    block[1][1] = "12.5"
    before = {r.strand_id: stored(page, r.strand_id) for r in rows}
    paste(qtbot, page, top, FIRST_MEASURE, "\r\n".join("\t".join(cells) for cells in block) + "\r\n")

    bad = model.index(top + 1, FIRST_MEASURE + 1)
    assert bad.data() == "12.5"
    assert "'12.5' is not a whole number" in bad.data(Qt.ItemDataRole.ToolTipRole)
    assert not bad.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert model.index(top, FIRST_MEASURE).data() == block[0][0]
    assert len(page.grid_panel.problems_table.source_model.rows()) == 1
    table = page.grid_panel.problems_table
    assert [table.proxy.index(0, c).data() for c in range(3)] == ["Error", rows[1].reference, "Domestic abuse victims supported by IDVAs"]
    assert "'12.5' is not a whole number" in table.proxy.index(0, 4).data()
    assert page.grid_panel.changed_label.text() == "7 changed cells"
    assert not page.grid_panel.save_button.isEnabled() and "fix 1 error" in page.grid_panel.save_reason_label.text()

    qtbot.keyClick(page.grid_view, Qt.Key.Key_S, CTRL)
    assert "Nothing was saved" in page.message_label.text()
    assert {r.strand_id: stored(page, r.strand_id) for r in rows} == before

    # Clicking the problem selects its cell; typing there fixes it.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(table.proxy.index(0, 4)).center())
    assert page.grid_view.currentIndex() == bad
    fixed = str(rows[1].values["idva_da_supported"] + 1)
    type_in_cell(qtbot, page, top + 1, FIRST_MEASURE + 1, fixed)
    assert page.grid_panel.problems_table.source_model.rows() == [] and page.grid_panel.save_button.isEnabled()

    qtbot.keyClick(page.grid_view, Qt.Key.Key_S, CTRL)
    assert "Saved 7 changed cells in 3 returns" in page.message_label.text()
    for row in rows:
        values = stored(page, row.strand_id)
        assert values["victims_supported"] == row.values["victims_supported"] + 2
        assert values["reported_before"] == row.values["reported_before"] + 1
    assert stored(page, rows[1].strand_id)["idva_da_supported"] == int(fixed)
    assert model.changed_cells() == 0 and page.grid_panel.changed_label.text() == "No unsaved changes"


def test_undo_paste_puts_back_every_cell_the_paste_changed(qtbot, page):
    model = page.grid_model
    top = submitted_run(page)
    before = [[model.index(top + r, FIRST_MEASURE + c).data() for c in range(4)] for r in range(3)]
    paste(qtbot, page, top, FIRST_MEASURE, "1\t0\t0\t1\n2\t0\t0\t1\n3\t0\t0\t1\n")
    assert model.index(top + 2, FIRST_MEASURE).data() == "3" and page.grid_panel.undo_button.isEnabled()
    qtbot.keyClick(page.grid_view, Qt.Key.Key_Z, CTRL)
    assert [[model.index(top + r, FIRST_MEASURE + c).data() for c in range(4)] for r in range(3)] == before
    assert not page.grid_panel.undo_button.isEnabled() and page.grid_panel.changed_label.text() == "No unsaved changes"


def test_tab_moves_across_the_measures_and_on_to_the_next_row(qtbot, page):
    view, model = page.grid_view, page.grid_model
    view.setFocus()
    view.setCurrentIndex(model.index(0, model.columnCount() - 1))
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (1, FIRST_MEASURE)


def open_form_from_grid(qtbot, page, row: int) -> ReturnDialog:
    view = page.grid_view
    view.setFocus()
    view.setCurrentIndex(page.grid_model.index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Enter on the strand's name opens its form
    dialog = page.active_dialog
    assert isinstance(dialog, ReturnDialog)
    return dialog


def retype(qtbot, line_edit, text: str) -> None:
    line_edit.clear()
    qtbot.keyClicks(line_edit, text)


def test_the_form_refuses_idva_above_victims_supported_in_words(qtbot, page):
    row = page.grid_model.row_at(submitted_run(page, 1))
    dialog = open_form_from_grid(qtbot, page, submitted_run(page, 1))
    assert dialog.data.strand_id == row.strand_id
    too_many = row.values["victims_supported"] + 20
    dialog.show_tab_of(dialog.inputs["idva_da_supported"])  # the officer opens its tab
    retype(qtbot, dialog.inputs["idva_da_supported"].edit, str(too_many))
    beside = dialog.inputs["idva_da_supported"].problem_label
    assert beside.isVisible() and "is more than victims supported" in beside.text()
    dialog.save_button.click()
    assert dialog.isVisible()
    assert f"({too_many:,}) is more than victims supported ({row.values['victims_supported']:,})" in dialog.problem.text()
    assert stored(page, row.strand_id) == row.values


def test_an_unusual_figure_in_the_form_is_saved_and_needs_a_note_beside_it_before_verifying(qtbot, page):
    index = submitted_run(page, 1)
    row = page.grid_model.row_at(index)
    dialog = open_form_from_grid(qtbot, page, index)
    high = 10 * max(row.history.recent["victims_supported"])
    field = dialog.inputs["victims_supported"]
    retype(qtbot, field.edit, f"{high:,}")
    assert "more than three times" in field.problem_label.text() and field.note_edit.isVisible()
    assert "needed to verify" in field.note_edit.placeholderText()
    dialog.step_buttons["Verify"].click()  # verifying is what the warning stops
    assert dialog.isVisible() and "not verified: add a note to each warning first" in dialog.problem.text()
    assert stored(page, row.strand_id)["victims_supported"] == row.values["victims_supported"]
    dialog.save_button.click()  # saving is not stopped
    qtbot.waitUntil(lambda: page.active_dialog is None)
    form = return_form(db_of(page), row.strand_id, Q4)
    assert form.values["victims_supported"] == high and form.status is ReturnStatus.SUBMITTED
    assert page.grid_model.index(index, FIRST_MEASURE).data() == f"{high:,}"  # the grid shows it at once
    dialog = open_form_from_grid(qtbot, page, index)
    field = dialog.inputs["victims_supported"]
    qtbot.keyClicks(field.note_edit, "Two services merged this quarter")
    assert "Noted: " in field.problem_label.text() and "⚠" not in field.problem_label.text()
    dialog.step_buttons["Verify"].click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    form = return_form(db_of(page), row.strand_id, Q4)
    assert form.status is ReturnStatus.VERIFIED and form.fields[0].note == "Two services merged this quarter"


def test_reopening_a_locked_return_needs_a_reason_and_writes_it_to_the_audit_trail(qtbot, page):
    page.choose_quarter(Quarter.parse("2023/24 Q1"))
    assert page.grid_model.index(0, 3).data() == "Locked"
    dialog = open_form_from_grid(qtbot, page, 0)
    assert dialog.notice.text() == LOCKED_NOTICE
    assert dialog.inputs["victims_supported"].edit.isReadOnly() and not dialog.save_button.isEnabled()
    dialog.step_buttons["Reopen…"].click()
    reason_dialog = dialog.active_dialog
    assert isinstance(reason_dialog, TextDialog)
    reason_dialog.save_button.click()
    assert reason_dialog.isVisible() and "Give a reason" in reason_dialog.problem.text()
    reason = "Provider found a double count of repeat referrals"
    qtbot.keyClicks(reason_dialog.text_edit, reason)
    reason_dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.active_dialog is None)
    assert dialog.data.status is ReturnStatus.SUBMITTED and not dialog.inputs["victims_supported"].edit.isReadOnly()
    assert "Reopened" in dialog.problem.text()
    with db_of(page).reading() as session:
        audited = session.execute(
            select(AuditEvent.old_value, AuditEvent.new_value, AuditEvent.reason).where(
                AuditEvent.entity == "return", AuditEvent.entity_id == dialog.data.return_id, AuditEvent.field == "status"
            )
        ).all()
    assert ("locked", "submitted", reason) in audited
    dialog.reject()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert page.grid_model.index(0, 3).data() == "Submitted"


def test_the_completeness_tab_counts_what_completeness_matrix_counts(qtbot, page):
    page.tabs.setCurrentWidget(page.completeness)
    matrix = completeness_matrix(db_of(page), Q4.year, today=page.today)
    shown = page.completeness.counts_model
    for state in ("overdue", "draft", "submitted", "verified"):
        assert shown.counts_of(state) == [matrix.count(n, state) for n in range(1, 5)], state
    assert shown.counts_of("overdue")[3] == 18 and shown.counts_of("submitted")[3] == 40
    table = page.completeness.table
    assert table.model().index(0, 6).data() == matrix.rows[0].cells[3].text
    # Double-clicking a missing return opens a new form for it.
    missing = next(i for i, r in enumerate(matrix.rows) if r.cells[3].state == "overdue")
    index = table.model().index(missing, 6)
    table.scrollTo(index)
    where = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)  # Qt 6's test double-click
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)  # needs a press before it
    dialog = page.active_dialog
    assert isinstance(dialog, ReturnDialog) and dialog.data.return_id is None
    assert dialog.data.strand_id == matrix.rows[missing].strand_id


def test_the_due_days_setting_is_shown_and_changes_what_is_overdue(qtbot, page):
    page.tabs.setCurrentWidget(page.completeness)
    edit = page.completeness.due_edit
    assert edit.text() == "30" and edit.accessibleName() == "Returns are due"
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "45")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert due_days(db_of(page)) == 45 and edit.text() == "45"
    assert "due 45 days" in page.message_label.text()
    assert "Due 15 May 2025" in page.completeness.model.headerData(6, Qt.Orientation.Horizontal)


def verify_all(qtbot, page):
    """Click "Verify all valid", agree to the count it asks about, and wait for the work to end."""
    page.verify_button.click()
    box = page.active_dialog
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()
    qtbot.waitUntil(lambda: page.verify_task is None and page.last_verify_result is not None, timeout=20_000)


def test_verify_all_valid_says_how_many_were_verified_and_which_were_not(qtbot, page):
    submitted = [r for r in page.grid_model.rows() if r.status is ReturnStatus.SUBMITTED]
    verify_all(qtbot, page)
    result = page.last_verify_result
    assert result.verified + len(result.skipped) == len(submitted)
    assert f"Verified {result.verified} returns of 2024/25 Q4" in page.message_label.text()
    statuses = [r.status for r in quarter_grid(db_of(page), Q4).rows]
    assert statuses.count(ReturnStatus.VERIFIED) == result.verified
    assert sum(page.grid_model.index(r, 3).data() == "Verified" for r in range(72)) == result.verified


def test_copy_last_quarter_starts_a_marked_draft_and_opens_it(qtbot, page):
    model, view = page.grid_model, page.grid_view
    missing = next(i for i, r in enumerate(model.rows()) if r.status is None)
    strand_id = model.row_at(missing).strand_id
    view.setCurrentIndex(model.index(missing, 0))
    assert page.copy_button.isEnabled()
    page.copy_button.click()
    dialog = page.active_dialog
    assert isinstance(dialog, ReturnDialog) and dialog.notice.text() == COPIED_NOTICE
    assert dialog.data.copied_from_previous and dialog.data.status is ReturnStatus.DRAFT
    previous = stored(page, strand_id, Q4.previous())
    assert stored(page, strand_id) == previous
    assert model.index(model.row_of(strand_id), 3).data() == "Draft (copied)"


def test_changing_quarter_with_unsaved_edits_asks_first(qtbot, page):
    model = page.grid_model
    top = submitted_run(page, 1)
    model.setData(model.index(top, FIRST_MEASURE), "1")
    page.choose_quarter(Q4.previous())
    box = page.active_dialog
    assert isinstance(box, QMessageBox) and "1 changed cell" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert page.quarter == Q4 and model.changed_cells() == 1
    page.choose_quarter(Q4.previous())
    page.active_dialog.button(QMessageBox.StandardButton.Discard).click()
    assert page.quarter == Q4.previous() and page.quarter_combo.currentText() == "2024/25 Q3"
    assert model.changed_cells() == 0


def test_a_whole_quarter_for_72_strands_is_pasted_saved_and_verified_and_checks_still_pass(qtbot, page):
    db = db_of(page)
    q3 = {r.strand_id: r.values for r in quarter_grid(db, Q4.previous()).rows}
    model = page.grid_model
    keys = [m.key for m in model.grid.columns]
    lines = [
        "\t".join(f"{q3[row.strand_id][k]:,}" if q3[row.strand_id][k] is not None else "" for k in keys)
        for row in model.rows()
    ]
    assert len(lines) == 72
    paste(qtbot, page, 0, FIRST_MEASURE, "\r\n".join(lines) + "\r\n")
    for problem in [p for p in model.problems() if p.mark == "error"]:  # fix any marked cell
        type_in_cell(qtbot, page, model.row_of(problem.strand_id), model.column_of(problem.measure_key), "0")
    for problem in [p for p in model.problems() if p.mark == "warning"]:
        model.set_note(problem.strand_id, problem.problem.note_key, "Checked with the provider")
    assert page.grid_panel.save_button.isEnabled()
    qtbot.keyClick(page.grid_view, Qt.Key.Key_S, CTRL)
    assert "Saved" in page.message_label.text(), page.message_label.text()
    grid = quarter_grid(db, Q4)
    assert all(r.return_id is not None for r in grid.rows)
    assert all(r.values == q3[r.strand_id] for r in grid.rows)

    verify_all(qtbot, page)
    assert page.last_verify_result.verified >= 40
    matrix = completeness_matrix(db, Q4.year, today=page.today)
    assert matrix.count(4, "overdue") == 0 and matrix.count(4, "verified") == page.last_verify_result.verified
    assert page.completeness.counts_model.counts_of("overdue") is None  # none left in the year
    assert run_checks(db).ok


def test_every_input_on_the_page_and_the_form_is_named_by_its_visible_label(qtbot, page):
    from PySide6.QtWidgets import QAbstractButton, QLabel, QTableView

    dialog = open_form_from_grid(qtbot, page, submitted_run(page, 1))
    for widget in (page, dialog):
        pairs = [(label.text(), label.buddy()) for label in widget.findChildren(QLabel) if label.buddy() is not None]
        assert len(pairs) >= 3
        for text, buddy in pairs:
            assert buddy.accessibleName() == text, text
        assert all(b.text().strip() for b in widget.findChildren(QAbstractButton) if b.isVisibleTo(widget)
                   and type(b).__name__ != "QToolButton")
    names = {t.accessibleName() for t in page.findChildren(QTableView)}
    assert {"Returns grid", "Problems", "Completeness", "Completeness counts"} <= names


def test_a_warning_in_the_grid_is_saved_and_the_note_action_explains_it_for_verifying(qtbot, page):
    model = page.grid_model
    index = submitted_run(page, 1)
    row = model.row_at(index)
    high = 10 * max(row.history.recent["victims_supported"])
    type_in_cell(qtbot, page, index, FIRST_MEASURE, str(high))
    assert model.cell_mark(row, "victims_supported") == "warning"
    # A warning never holds the typing hostage: the grid saves, and says the note is for verifying.
    assert page.grid_panel.save_button.isEnabled()
    assert "1 warning to explain before verifying" in page.grid_panel.save_reason_label.text()
    page.grid_view.setCurrentIndex(model.index(index, FIRST_MEASURE))
    qtbot.keyClick(page.grid_view, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    note = page.active_dialog
    assert isinstance(note, TextDialog) and "more than three times" in note.intro.text()
    qtbot.keyClicks(note.text_edit, "A second office opened in January")
    note.save_button.click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert model.cell_mark(row, "victims_supported") == "noted" and page.grid_panel.save_button.isEnabled()
    qtbot.keyClick(page.grid_view, Qt.Key.Key_S, CTRL)
    form = return_form(db_of(page), row.strand_id, Q4)
    assert form.values["victims_supported"] == high and form.fields[0].note == "A second office opened in January"


def test_leaving_the_page_or_closing_the_window_with_unsaved_edits_asks_first(qtbot, page, demo_window):
    model = page.grid_model
    model.setData(model.index(submitted_run(page, 1), FIRST_MEASURE), "1")
    demo_window.sidebar.setCurrentRow(1)  # Providers
    box = page.active_dialog
    assert isinstance(box, QMessageBox) and "not saved" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert demo_window.current_page() is page and demo_window.sidebar.currentItem().text() == "Returns"

    demo_window.close()
    assert demo_window.isVisible()  # not closed: asked first
    page.active_dialog.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not demo_window.isVisible())
    assert model.changed_cells() == 0


def test_ctrl_tab_leaves_the_grid_where_tab_walks_its_cells_and_the_tooltip_says_so(qtbot, page):
    view = page.grid_view
    view.setFocus()
    view.setCurrentIndex(page.grid_model.index(0, FIRST_MEASURE))
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.hasFocus() and view.currentIndex().column() == FIRST_MEASURE + 1
    qtbot.keyClick(view, Qt.Key.Key_Tab, CTRL)
    qtbot.waitUntil(lambda: not view.hasFocus())
    assert QApplication.focusWidget() is not None and QApplication.focusWidget() is not view
    assert "Ctrl+Tab" in view.toolTip()
