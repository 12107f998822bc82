"""The return form and the record dialogs as an officer meets them in a quarter: a missing
return's form, Esc with typed figures, over a fresh copy of the demo database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.numbers import format_count
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.returns import reopen, return_form
from desktop_app.services.strands import list_strands
from desktop_app.store.models import Return
from tests.ui.test_returns_page import Q4, db_of, open_form_from_grid, retype, stored, submitted_run


@pytest.fixture
def page(qtbot, demo_window):
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    return demo_window.show_page("returns")


def missing_row(page) -> int:
    return next(i for i, r in enumerate(page.grid_model.rows()) if r.status is None)


def test_a_missing_returns_form_shows_no_warnings_and_is_a_draft_until_it_is_received(qtbot, page):
    index = missing_row(page)
    strand_id = page.grid_model.row_at(index).strand_id
    dialog = open_form_from_grid(qtbot, page, index)
    assert dialog.data.return_id is None
    # Nothing typed yet: no amber on every empty field.
    assert not any(w.problem_label.isVisible() for w in dialog.inputs.values())
    assert "Needed" not in dialog.notes_edit.placeholderText()
    # "Not received yet" is ticked, so it would be saved as a draft, not as submitted.
    assert dialog.received_edit.none_check.isChecked()
    assert dialog.status_combo.currentData() == ReturnStatus.DRAFT
    # Choosing "Submitted" shows the received date to check, rather than setting it unseen.
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData(ReturnStatus.SUBMITTED))
    assert not dialog.received_edit.none_check.isChecked() and dialog.received_edit.date_value() is not None
    dialog.received_edit.none_check.setChecked(True)
    assert dialog.status_combo.currentData() == ReturnStatus.DRAFT
    retype(qtbot, dialog.inputs["victims_supported"].edit, "40")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    form = return_form(db_of(page), strand_id, Q4)
    assert form.status is ReturnStatus.DRAFT and form.received_date is None  # no date made up
    assert form.values["victims_supported"] == 40


def test_esc_on_the_return_form_with_typed_figures_asks_before_throwing_them_away(qtbot, page):
    index = submitted_run(page, 1)
    row = page.grid_model.row_at(index)
    dialog = open_form_from_grid(qtbot, page, index)
    edit = dialog.inputs["victims_supported"].edit
    retype(qtbot, edit, "7")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert dialog.isVisible() and isinstance(box, QMessageBox) and "not saved" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()  # "Keep editing"
    assert dialog.isVisible() and edit.text() == "7"
    dialog.cancel_button.click()  # Cancel asks too
    dialog.discard_box.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert stored(page, row.strand_id)["victims_supported"] == row.values["victims_supported"]


def test_closing_the_return_form_can_save_what_was_typed_and_an_untouched_form_closes_at_once(qtbot, page):
    index = submitted_run(page, 1)
    row = page.grid_model.row_at(index)
    dialog = open_form_from_grid(qtbot, page, index)
    qtbot.keyClick(dialog.inputs["victims_supported"].edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.active_dialog is None)  # nothing typed: no question
    dialog = open_form_from_grid(qtbot, page, index)
    retype(qtbot, dialog.inputs["referred_mental_health"].edit, "3")
    dialog.close()
    assert dialog.isVisible()
    dialog.discard_box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert stored(page, row.strand_id)["referred_mental_health"] == 3


def test_esc_on_the_allocation_dialog_with_a_typed_amount_asks_first(qtbot, demo_window):
    page = demo_window.show_page("strands")
    page.table.selectRow(0)
    strand = page.table.current_record()
    page.allocations_button.click()
    dialog = page.active_dialog
    year = next(iter(dialog.amount_edits))
    dialog.amount_edits[year].clear()
    qtbot.keyClicks(dialog.amount_edits[year], "12,345")
    qtbot.keyClick(dialog.amount_edits[year], Qt.Key.Key_Escape)
    assert dialog.isVisible() and isinstance(dialog.discard_box, QMessageBox)
    dialog.discard_box.button(QMessageBox.StandardButton.Discard).click()
    assert not dialog.isVisible()
    saved = next(s for s in list_strands(demo_window.workspace.db) if s.id == strand.id)
    assert saved.allocations == strand.allocations



def test_the_problems_list_shows_the_selected_problem_in_full_and_stale_banners_clear(qtbot, page):
    from tests.ui.test_returns_page import CTRL, paste, type_in_cell
    from desktop_app.ui.pages.returns.grid_model import FIRST_MEASURE

    model, panel = page.grid_model, page.grid_panel
    top = submitted_run(page, 2)
    rows = [model.row_at(top), model.row_at(top + 1)]
    too_many = rows[0].values["victims_supported"] + 50
    paste(qtbot, page, top, FIRST_MEASURE + 1, f"{too_many}\r\n")
    assert "Ctrl+Z undoes the paste" in page.message_label.text()
    table = panel.problems_table
    message = table.proxy.record(0).problem.message
    # The whole message, wrapped under the list, once the line is selected (not only a tooltip).
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(table.proxy.index(0, 4)).center())
    assert panel.problem_detail.isVisible() and message in panel.problem_detail.text()
    assert rows[0].reference in panel.problem_detail.text() and panel.problem_detail.wordWrap()
    page.grid_view.setFocus()
    qtbot.keyClick(page.grid_view, Qt.Key.Key_Z, CTRL)
    assert "Ctrl+Z undoes" not in page.message_label.text() and "Paste undone" in page.message_label.text()
    assert not panel.problem_detail.isVisible()  # nothing left to show

    # A refused save's red line goes once the error is fixed and the return saved.
    paste(qtbot, page, top, FIRST_MEASURE + 1, f"{too_many}\r\n")
    qtbot.keyClick(page.grid_view, Qt.Key.Key_S, CTRL)
    assert "Nothing was saved" in page.message_label.text()
    type_in_cell(qtbot, page, top, FIRST_MEASURE + 1, str(rows[0].values["idva_da_supported"]))
    assert "Nothing was saved" not in page.message_label.text()
    dialog = open_form_from_grid(qtbot, page, top + 1)
    retype(qtbot, dialog.inputs["referred_mental_health"].edit, "2")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert page.message_label.objectName() == "formNotice" and "Saved" in page.message_label.text()


def test_the_history_button_shows_who_changed_which_figure_and_the_status_old_to_new(qtbot, page):
    index = submitted_run(page, 1)
    row = page.grid_model.row_at(index)
    dialog = open_form_from_grid(qtbot, page, index)
    old = row.values["victims_supported"]
    retype(qtbot, dialog.inputs["victims_supported"].edit, str(old + 3))
    dialog.step_buttons["Verify"].click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    dialog = open_form_from_grid(qtbot, page, index)
    assert dialog.history_button.isVisible()
    dialog.history_button.click()
    lines = history_lines(dialog)
    who = lines[0][1]
    assert [who, "Victims supported", "Figure", format_count(old), format_count(old + 3), ""] in [x[1:] for x in lines]
    assert [who, "Return", "Status", "Submitted", "Verified", ""] in [x[1:] for x in lines]
    dialog.history_dialog.reject()
    dialog.discard()
    # A reason given for a status change shows beside it.
    return_id = dialog.data.return_id
    with page.workspace.db.transaction() as session:
        session.get(Return, return_id).status = ReturnStatus.LOCKED
    reopen(page.workspace.db, return_id, "Provider corrected its IDVA count")
    dialog = open_form_from_grid(qtbot, page, index)
    dialog.history_button.click()
    assert history_lines(dialog)[0][3:] == ["Status", "Locked", "Submitted", "Provider corrected its IDVA count"]


def history_lines(dialog) -> list[list[str]]:
    table = dialog.history_dialog.table
    return [[table.proxy.index(r, c).data() for c in range(7)] for r in range(table.proxy.rowCount())]


def test_verify_all_valid_asks_with_the_count_runs_with_progress_and_undoes_as_one_audited_action(qtbot, page):
    from sqlalchemy import select

    from desktop_app.services.returns import quarter_grid, verify_reason
    from desktop_app.store.models import AuditEvent
    from tests.ui.test_returns_page import verify_all

    db = db_of(page)
    before = {r.strand_id: r.status for r in quarter_grid(db, Q4).rows}
    submitted = sum(s is ReturnStatus.SUBMITTED for s in before.values())
    page.verify_button.click()
    box = page.active_dialog
    assert isinstance(box, QMessageBox) and f"Verify the {submitted} submitted returns of 2024/25 Q4?" == box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()  # nothing happens without a yes
    assert {r.strand_id: r.status for r in quarter_grid(db, Q4).rows} == before
    verify_all(qtbot, page)
    result = page.last_verify_result
    assert result.verified > 0 and page.progress_dialog is not None  # it ran behind a progress dialog
    with db.reading() as session:
        reasons = set(session.scalars(select(AuditEvent.reason).where(
            AuditEvent.entity == "return", AuditEvent.field == "status", AuditEvent.new_value == "verified",
            AuditEvent.entity_id.in_(result.return_ids))))
    assert reasons == {verify_reason(Q4)}  # one action in the trail
    assert page.undo_verify_button.isVisible()
    page.undo_verify_button.click()
    assert {r.strand_id: r.status for r in quarter_grid(db, Q4).rows} == before  # exactly as it was
    assert f"Undone: {result.verified} returns of 2024/25 Q4 back to submitted" in page.message_label.text()
    assert not page.undo_verify_button.isVisible()
    with db.reading() as session:
        undone = session.scalars(select(AuditEvent.entity_id).where(
            AuditEvent.entity == "return", AuditEvent.field == "status", AuditEvent.old_value == "verified",
            AuditEvent.reason == "Undo of verify all valid, 2024/25 Q4")).all()
    assert sorted(undone) == sorted(result.return_ids)


def test_draft_chasers_writes_one_standard_email_per_provider_opens_the_folder_and_records_it(
        qtbot, page, tmp_path, monkeypatch):
    import email
    from email import policy

    from desktop_app.ui.pages.returns import chasers_dialog

    opened = []
    monkeypatch.setattr(chasers_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    page.tabs.setCurrentWidget(page.completeness)
    page.completeness.chasers_button.click()
    dialog = page.active_dialog
    assert isinstance(dialog, chasers_dialog.ChasersDialog) and dialog.chasers
    owed = {(line.reference, line.quarter.label) for c in dialog.chasers for line in c.lines}
    matrix_owed = {(row.reference, cell.quarter.label) for row in page.completeness.model._rows
                   for cell in row.cells if cell.state in ("missing", "overdue") and cell.quarter <= Q4}
    assert owed == matrix_owed  # exactly what the matrix shows as owed
    dialog.folder_edit.setText(str(tmp_path / "chasers"))
    dialog.write_button.click()
    qtbot.waitUntil(lambda: page.active_dialog is None, timeout=30_000)
    files = sorted((tmp_path / "chasers").glob("*.eml"))
    assert len(files) == len(dialog.chasers) and opened and opened[0].toLocalFile() == str(tmp_path / "chasers")
    first = dialog.chasers[0]
    mail = tmp_path / "chasers" / f"2024-25 Q4 - {first.provider_name} - chaser.eml"
    message = email.message_from_bytes(mail.read_bytes(), policy=policy.default)
    assert first.contact_email and first.contact_email in message["To"]
    body = message.get_body(("plain",)).get_content()
    for line in first.lines:
        assert line.reference in message["Subject"] or line.quarter.label in message["Subject"]
        assert line.reference in body and line.quarter.label in body and line.words.split(", ")[-1] in body
    attachments = [a.get_filename() for a in message.iter_attachments()]
    assert attachments == [f"2024-25 Q4 - {first.provider_name}.xlsx"]
    assert f"{len(files)} chasers saved in" in page.message_label.text()
    # On the return's history: the form of a chased missing return shows the chaser.
    chaser, chased = next((c, line) for c in dialog.chasers for line in c.lines if line.quarter == Q4)
    mail = tmp_path / "chasers" / f"2024-25 Q4 - {chaser.provider_name} - chaser.eml"
    row = page.grid_model.row_of(chased.strand_id)
    page.tabs.setCurrentWidget(page.grid_panel)
    form = open_form_from_grid(qtbot, page, row)
    assert form.history_button.isVisible()
    form.history_button.click()
    lines = history_lines(form)
    assert lines[0][2:4] == ["Chaser", "E-mail"] and mail.name in lines[0][5]
