"""Provider templates through the real window: "Make templates…", "Import returns…", the import
preview and dropping files on the window, over a fresh copy of the demo database and real files."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.returns import return_form, save_return
from desktop_app.services.templates import WARNINGS_POLICY, make_templates
from desktop_app.ui.pages.returns import templates_actions
from desktop_app.ui.pages.returns.grid_model import FIRST_MEASURE
from desktop_app.ui.pages.returns.import_dialog import ImportDialog
from tests.excel.test_templates import fill_template

Q4 = Quarter.parse("2024/25 Q4")
LOCKED_Q = Quarter.parse("2023/24 Q4")  # every return locked
AIRE = "Aire Valley Victim Support"  # WY-001 (draft), WY-002 (missing), WY-003 (draft), WY-004 (submitted)
RECEIVED = dt.date(2025, 4, 22)


@pytest.fixture
def page(qtbot, demo_window):
    page = demo_window.show_page("returns")
    assert page.quarter == Q4
    return page


def _idle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: not page.templates.is_busy(), timeout=30000)


def _preview_dialog(qtbot, page) -> ImportDialog:
    qtbot.waitUntil(lambda: page.templates.dialog is not None and not page.templates.is_busy(), timeout=30000)
    return page.templates.dialog


@pytest.fixture
def made(qtbot, page, tmp_path):
    """The quarter's templates, made through the page as an officer would."""
    page.templates.make_templates_in(tmp_path / "templates")
    _idle(qtbot, page)
    page.templates.made_box.done(0)
    return page.templates.last_made


def _template_of(made, provider: str):
    return next(p for p in made.paths if p.name.endswith(f" - {provider}.xlsx"))


def _row(page, reference: str):
    return next(r for r in page.grid_model.rows() if r.reference == reference)


def _other_submitted(page):
    """A submitted strand of another provider than Aire Valley."""
    return next(r for r in page.grid_model.rows() if r.status is ReturnStatus.SUBMITTED and r.provider_name != AIRE)


def test_make_templates_writes_one_workbook_per_provider_and_offers_to_open_the_folder(qtbot, page, tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    page.templates.make_templates_in(folder)
    assert page.templates.is_busy() and not page.templates.make_button.isEnabled()
    _idle(qtbot, page)
    written = sorted(folder.glob("*.xlsx"))
    assert len(written) == 34
    assert "34 templates for 2024/25 Q4 written to" in page.message_label.text()
    box = page.templates.made_box
    assert isinstance(box, QMessageBox) and str(folder) in box.text()
    assert f"2024-25 Q4 - {AIRE}.xlsx" in box.detailedText()
    opened = []
    monkeypatch.setattr(templates_actions.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    next(b for b in box.buttons() if b.text() == "Open folder").click()
    assert opened == [QUrl.fromLocalFile(str(folder))]


def test_two_filled_templates_are_previewed_old_to_new_then_imported_as_submitted(qtbot, page, made):
    db = page.workspace.db
    aire_submitted, other = _row(page, "WY-004"), _other_submitted(page)
    held = aire_submitted.values["victims_supported"]
    other_held = other.values["victims_supported"]
    fill_template(_template_of(made, AIRE), {"WY-004": {"Victims supported": held + 2}, "WY-002": {"Victims supported": 40}})
    fill_template(_template_of(made, other.provider_name), {other.reference: {"Victims supported": other_held + 5}})

    page.templates.import_files([_template_of(made, AIRE), _template_of(made, other.provider_name)])
    dialog = _preview_dialog(qtbot, page)
    assert dialog.file_states() == {_template_of(made, AIRE).name: "Ready", _template_of(made, other.provider_name).name: "Ready"}
    rows = {r.strand.reference: r for r in dialog.strand_rows()}
    shown = dialog.strands_model.index(list(rows).index("WY-004"), 3).data()
    assert shown == f"Victims supported {held:,} → {held + 2:,}"
    assert rows["WY-004"].strand.summary() == "1 figure changed → submitted"
    assert rows["WY-002"].strand.action == "new"
    assert dialog.strands_model.index(list(rows).index(other.reference), 3).data() == f"Victims supported {other_held:,} → {other_held + 5:,}"
    dialog.strands_table.select_where(lambda r: r.strand.reference == "WY-004")
    assert f"Victims supported: {held:,} → {held + 2:,} (cell B11)" in dialog.details.toPlainText()
    assert dialog.policy_label.text() == WARNINGS_POLICY
    assert dialog.received_edit.date_value() == page.today and dialog.received_edit.accessibleName() == "Received on"
    assert dialog.import_button.isEnabled() and dialog.reason_label.text().startswith("Ready: ")

    dialog.received_edit.set_date_value(RECEIVED)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: page.templates.dialog is None and not page.templates.is_busy(), timeout=30000)

    written = len(dialog.preview.to_write)
    assert f"Imported {written} returns for 2024/25 Q4 from 2 files" in page.message_label.text()
    assert page.grid_model.index(page.grid_model.row_of(aire_submitted.strand_id), FIRST_MEASURE).data() == f"{held + 2:,}"
    for strand_id, figure in ((aire_submitted.strand_id, held + 2), (other.strand_id, other_held + 5), (_row(page, "WY-002").strand_id, 40)):
        form = return_form(db, strand_id, Q4)
        assert form.values["victims_supported"] == figure
        assert (form.status, form.received_date) == (ReturnStatus.SUBMITTED, RECEIVED)
    assert page.grid_model.index(page.grid_model.row_of(_row(page, "WY-002").strand_id), 3).data() == "Submitted"


def test_a_csv_renamed_xlsx_is_refused_by_name_and_import_is_off_until_it_is_removed(qtbot, page, made, tmp_path):
    aire = _template_of(made, AIRE)
    held = _row(page, "WY-004").values["victims_supported"]
    fill_template(aire, {"WY-004": {"Victims supported": held + 1}})
    hostile = tmp_path / "returns from Leeds.xlsx"
    hostile.write_text("strand,victims supported\nWY-010,12\n", encoding="utf-8")

    page.templates.import_files([aire, hostile])
    dialog = _preview_dialog(qtbot, page)
    states = dialog.file_states()
    assert states[aire.name] == "Ready"
    assert states[hostile.name].startswith(f"{hostile.name}: ") and "(a CSV?)" in states[hostile.name]
    assert dialog.files_model.index(1, 2).data() == "Refused"
    assert "(a CSV?)" in dialog.files_model.index(1, 3).data()
    assert not dialog.import_button.isEnabled()
    assert "1 of 2 files refused" in dialog.reason_label.text() and "remove it from the batch" in dialog.reason_label.text()
    assert dialog.import_button.toolTip() == dialog.reason_label.text()
    before = return_form(page.workspace.db, _row(page, "WY-004").strand_id, Q4).values

    assert dialog.files_table.current_record().path == hostile  # the refused file is selected first
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: not page.templates.is_busy() and len(dialog.preview.files) == 1, timeout=30000)
    assert list(dialog.file_states()) == [aire.name]
    assert dialog.import_button.isEnabled()
    assert return_form(page.workspace.db, _row(page, "WY-004").strand_id, Q4).values == before  # nothing written yet


def test_a_return_changed_since_the_preview_is_not_overwritten_and_reading_again_shows_it(qtbot, page, made):
    db = page.workspace.db
    row = _row(page, "WY-004")
    held = row.values["victims_supported"]
    aire = _template_of(made, AIRE)
    fill_template(aire, {"WY-004": {"Victims supported": held + 2}})
    page.templates.import_files([aire])
    dialog = _preview_dialog(qtbot, page)
    # Meanwhile a colleague corrects the same return in the form.
    save_return(db, row.strand_id, Q4, {**row.values, "victims_supported": held + 1})

    dialog.import_button.click()
    qtbot.waitUntil(lambda: not page.templates.is_busy(), timeout=30000)
    assert page.templates.dialog is dialog and dialog.isVisible()
    assert "the figures changed since your preview: preview again" in dialog.reason_label.text()
    assert dialog.reason_label.objectName() == "formProblem"
    assert return_form(db, row.strand_id, Q4).values["victims_supported"] == held + 1

    dialog.reread_button.click()
    qtbot.waitUntil(lambda: not page.templates.is_busy(), timeout=30000)
    fresh = next(r for r in dialog.strand_rows() if r.strand.reference == "WY-004")
    assert [(c.old, c.new) for c in fresh.strand.changed_values] == [(held + 1, held + 2)]
    assert dialog.import_button.isEnabled() and dialog.reason_label.text().startswith("Ready: ")


def test_a_template_of_another_quarter_is_refused_naming_both_quarters(qtbot, page, tmp_path):
    (q3,) = make_templates(page.workspace.db, Q4.previous(), tmp_path, provider=AIRE).paths
    page.templates.import_files([q3])
    dialog = _preview_dialog(qtbot, page)
    assert "is the template for 2024/25 Q3, not 2024/25 Q4" in dialog.file_states()[q3.name]
    assert not dialog.import_button.isEnabled()


def test_locked_returns_are_shown_as_locked_and_not_changed(qtbot, page, tmp_path):
    (path,) = make_templates(page.workspace.db, LOCKED_Q, tmp_path, provider=AIRE).paths
    page.choose_quarter(LOCKED_Q)
    page.templates.import_files([path])
    dialog = _preview_dialog(qtbot, page)
    results = {dialog.strands_model.index(r, 2).data() for r in range(dialog.strands_model.rowCount())}
    assert results == {"locked: not changed"}
    assert "Nothing to import: every return in these files is unchanged or locked." in dialog.reason_label.text()
    dialog.strands_table.selectRow(0)
    assert "an import never changes it" in dialog.details.toPlainText()


def _drop(window, mime: QMimeData) -> QDropEvent:
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    return drop


def test_a_template_dropped_on_the_window_opens_the_import_preview(qtbot, demo_window, tmp_path):
    demo_window.show_page("providers")
    (path,) = make_templates(demo_window.workspace.db, Q4, tmp_path, provider=AIRE).paths
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    _drop(demo_window, mime)
    page = demo_window.current_page()
    assert page.key == "returns"
    dialog = _preview_dialog(qtbot, page)
    assert list(dialog.file_states()) == [path.name]
    assert {r.strand.reference for r in dialog.strand_rows()} == {"WY-001", "WY-002", "WY-003", "WY-004"}


def test_a_libreoffice_ods_dropped_on_the_window_is_refused_saying_how_to_save_it_as_xlsx(qtbot, demo_window, tmp_path):
    from tests.excel.test_hostile_files import make_ods

    path = make_ods(tmp_path / "Aire Q4.ods")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    _drop(demo_window, mime)
    dialog = _preview_dialog(qtbot, demo_window.current_page())
    state = dialog.file_states()["Aire Q4.ods"]
    assert 'File › Save As…, set the file type to "Excel 2007-365 (.xlsx)"' in state
    assert not dialog.import_button.isEnabled()


def test_dropping_something_else_says_what_can_be_dropped(qtbot, demo_window, tmp_path):
    notes = tmp_path / "minutes.pdf"
    notes.write_bytes(b"%PDF-1.4")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(notes))])
    _drop(demo_window, mime)
    page = demo_window.current_page()
    assert page.key == "returns" and page.templates.dialog is None and not page.templates.is_busy()
    text = page.message_label.text()
    assert "Nothing was imported: minutes.pdf is not a return template" in text
    assert "Excel workbooks (.xlsx), or a folder of them" in text
    assert page.message_label.objectName() == "formProblem"

    words = QMimeData()
    words.setText("WY-004 120")
    _drop(demo_window, words)
    assert "text is not a return template" in page.message_label.text()


def test_cancelling_the_progress_dialog_writes_no_template(qtbot, page, tmp_path, monkeypatch):
    real_make = templates_actions.make_templates
    started = threading.Event()

    def slow_make(db, quarter, folder, *, progress, cancelled):
        # Hold the worker until the officer presses Cancel, then let the real work notice it.
        started.set()
        deadline = time.monotonic() + 10
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real_make(db, quarter, folder, progress=progress, cancelled=cancelled)

    monkeypatch.setattr(templates_actions, "make_templates", slow_make)
    folder = tmp_path / "templates"
    page.templates.make_templates_in(folder)
    assert started.wait(5)
    page.templates.progress_dialog.findChild(QPushButton).click()  # the officer presses Cancel
    _idle(qtbot, page)
    assert not folder.exists() or list(folder.iterdir()) == []
    assert page.message_label.text() == "Cancelled: no template was kept."
    assert page.templates.make_button.isEnabled() and page.templates.made_box is None


def test_the_preview_dialog_renders_on_a_laptop_screen(qtbot, page, made, tmp_path):
    aire = _template_of(made, AIRE)
    held = _row(page, "WY-004").values["victims_supported"]
    fill_template(aire, {"WY-004": {"Victims supported": held * 10}, "WY-002": {"Victims supported": 40}})
    hostile = tmp_path / "Leeds.xlsx"
    hostile.write_text("a,b\n1,2\n", encoding="utf-8")
    page.templates.import_files([aire, hostile])
    dialog = _preview_dialog(qtbot, page)
    assert dialog.width() <= 1366 and dialog.height() <= 768
    for _ in range(3):
        QApplication.processEvents()
    picture = tmp_path / "import preview.png"
    assert dialog.grab().save(str(picture))
    assert picture.stat().st_size > 10_000


def test_a_refused_figure_shows_what_the_cell_holds_and_a_refused_batch_never_says_returns_to_write(qtbot, page, made):
    aire = _template_of(made, AIRE)
    held = _row(page, "WY-004").values["victims_supported"]
    fill_template(aire, {"WY-004": {"Victims supported": "about 400"}})

    page.templates.import_files([aire])
    dialog = _preview_dialog(qtbot, page)
    rows = {r.strand.reference: r for r in dialog.strand_rows()}
    shown = dialog.strands_model.index(list(rows).index("WY-004"), 3).data()
    assert shown == f"Victims supported {held:,} → 'about 400' (refused)"
    assert "blank" not in shown
    dialog.strands_table.select_where(lambda r: r.strand.reference == "WY-004")
    assert f"Victims supported: {held:,} → 'about 400' (refused) (cell B11)" in dialog.details.toPlainText()
    summary = dialog.summary_label.text()
    assert "to write" not in summary
    assert "nothing will be written until the refused file is corrected or left out" in summary
    assert not dialog.import_button.isEnabled()
