"""The Exports page driven through its real widgets over real databases."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.paths import resources_dir
from desktop_app.services.export import FINAL_EXPORT_CHANGED, list_submissions
from desktop_app.services.returns import completeness_matrix, reopen
from desktop_app.services.strands import list_strands
from desktop_app.store.models import Measure, ReturnValue
from desktop_app.ui.pages.exports import export_run
from desktop_app.ui.pages.exports.compare_dialog import NO_CHANGES, CompareDialog
from desktop_app.ui.pages.exports.page import CONFIRM_FINAL

STYLE_SHEET = (resources_dir() / "style.qss").read_text(encoding="utf-8")

PANEL_SENTENCE = "A total of 90,793 victims were supported directly from this funding."


# The message line's backgrounds in resources/style.qss: amber for a notice, red for a problem.
TINTS = {"#fff4ce": "amber", "#fdecee": "red"}


def _tint(label: QLabel) -> str | None:
    """The colour the officer sees behind the message, drawn with the program's style sheet (the
    test application has none of its own): sampled at the far end of the line, past the text."""
    label.setStyleSheet(STYLE_SHEET)
    try:
        image = label.grab().toImage()
        return TINTS.get(image.pixelColor(image.width() - 4, image.height() // 2).name())
    finally:
        label.setStyleSheet("")


@pytest.fixture
def settings(settings):
    """The officer left the window on the Exports page, so it opens there (and only there)."""
    settings.setValue("window/page", "exports")
    return settings


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _page(window, year="2022/23", part="year"):
    page = window.show_page("exports")
    page.picker.select_year(year)
    page.picker.select_part(part)
    return page


def _wait_for_export(qtbot, page):
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)


def _summary_totals(path) -> dict[str, float]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Summary").to_python()
    start = [r[0] for r in rows].index("Measure") + 1
    return {r[0]: r[1] for r in rows[start:] if r[0]}


def _states(db, year: str, quarter: int) -> Counter:
    matrix = completeness_matrix(db, FinancialYear.parse(year))
    return Counter(row.cells[quarter - 1].state for row in matrix.rows)


def test_the_demo_2022_23_preview_shows_90_793_victims_supported(demo_window):
    page = _page(demo_window)
    assert page.picker.offered_years() == ["2024/25", "2023/24", "2022/23"]
    totals = page.preview_panel.total_texts()
    assert totals["Victims supported"] == "90,793"
    assert totals["Supported by restorative justice"] == "7,667"
    assert page.preview_panel.counts_label.text().startswith("276 verified or locked returns counted")
    assert page.preview_panel.problems_stack.currentWidget() is page.preview_panel.no_problems_label
    assert not page.preview_panel.refusal_label.isVisible()
    assert page.save_button.isEnabled() and page.final_button.isEnabled()


def test_the_page_opens_on_the_current_reporting_period(demo_window):
    # Every demo strand ends by 31 March 2025 and today is later: the quarter with returns due
    # now is the one those strands end in (not the latest complete year, 2023/24, as it once was).
    last_day = max(s.end_date for s in list_strands(demo_window.workspace.db))
    assert demo_window.show_page("exports").picker.period().label == Quarter.containing(last_day).label


def test_missing_returns_are_listed_as_problems_in_words(demo_window):
    page = _page(demo_window, "2024/25", "Q4")
    page.picker.unverified_check.setChecked(True)
    problems = page.preview_panel.problems_table.visible_records()
    assert len(problems) == 18
    assert all(p.message == "no return has been entered" for p in problems)
    assert page.preview_panel.problems_heading.text() == "Data-quality problems (18)"


def test_a_period_with_no_countable_returns_is_refused_and_save_is_disabled(demo_window):
    page = _page(demo_window, "2024/25", "Q4")
    refusal = page.preview_panel.refusal_label
    assert refusal.isVisible()
    assert "2024/25 Q4 has no verified or locked returns to export" in refusal.text()
    assert not page.save_button.isEnabled() and not page.final_button.isEnabled()
    assert "verify its 54 returns first" in page.save_button.toolTip()
    page.picker.unverified_check.setChecked(True)  # counting unverified ones makes it exportable
    assert not refusal.isVisible() and page.save_button.isEnabled()


def test_an_empty_database_says_there_is_nothing_to_export_yet(window):
    page = window.show_page("exports")
    assert page.stack.currentWidget() is page.empty_state
    assert page.empty_state.title_label.text() == "No returns to export yet"
    assert not page.save_button.isEnabled() and not page.final_button.isEnabled()
    assert page.export_to("/tmp/never.xlsx") is None


def test_saving_writes_the_workbook_off_the_ui_thread_and_shows_the_path(qtbot, demo_window, out, monkeypatch):
    page = _page(demo_window)
    asked = []

    def answer(caption, suggested):
        asked.append(suggested)
        return str(out / "for the MoJ")  # the dialog left off ".xlsx"

    monkeypatch.setattr(page, "ask_save_path", answer)
    page.save_button.click()
    assert page.is_busy() and not page.save_button.isEnabled()
    _wait_for_export(qtbot, page)
    target = out / "for the MoJ.xlsx"
    assert asked == ["MoJ return 2022-23.xlsx"]
    assert target.is_file()
    assert _summary_totals(target)["Victims supported"] == 90793
    assert str(target) in page.message_label.text()
    assert _tint(page.message_label) == "amber"
    assert list_submissions(demo_window.workspace.db) == []  # a plain save records nothing


def test_a_final_return_locks_its_returns_and_compare_shows_a_later_edit(qtbot, demo_window, out, monkeypatch):
    db = demo_window.workspace.db
    page = _page(demo_window, "2024/25", "Q1")
    assert _states(db, "2024/25", 1) == Counter(verified=72)
    published = []
    demo_window.events.data_changed.connect(published.append)
    monkeypatch.setattr(page, "ask_save_path", lambda caption, suggested: str(out / suggested))

    page.final_button.click()
    box = page.active_dialog
    assert isinstance(box, QMessageBox) and "locks the 72 returns" in box.informativeText()
    next(b for b in box.buttons() if b.text() == CONFIRM_FINAL).click()
    _wait_for_export(qtbot, page)

    target = out / "MoJ return 2024-25 Q1 final.xlsx"
    assert target.is_file()
    [submission] = list_submissions(db)
    assert submission.returns_included == 72
    assert FINAL_EXPORT_CHANGED in published
    assert _states(db, "2024/25", 1) == Counter(locked=72)
    assert f"submission {submission.id}" in page.message_label.text()
    assert submission.sha256 in page.message_label.text()
    listed = page.submissions_panel.submissions()
    assert [s.id for s in listed] == [submission.id]
    assert page.tabs.currentWidget() is page.submissions_panel
    assert page.tabs.tabText(1) == "Submissions (1)"

    page.submissions_panel.compare_button.click()
    dialog = page.active_dialog
    assert isinstance(dialog, CompareDialog)
    assert dialog.summary_label.text() == NO_CHANGES
    dialog.reject()
    qtbot.waitUntil(lambda: page.active_dialog is None)

    # Months later a provider corrects a figure: reopen the return with a reason, then edit it.
    return_id = next(c.return_id for r in completeness_matrix(db, FinancialYear(2024)).rows for c in r.cells[:1])
    reopen(db, return_id, "Provider corrected their Q1 count")
    with db.transaction(reason="Provider corrected their Q1 count") as session:
        value = session.scalars(
            select(ReturnValue).join(Measure).where(
                ReturnValue.return_id == return_id, Measure.key == "victims_supported"
            )
        ).one()
        before = value.value
        value.value = before + 5

    page.submissions_panel.compare_button.click()
    dialog = page.active_dialog
    [change] = dialog.change_rows()
    assert (change.quarter, change.measure_label, change.then, change.now) == (
        "2024/25 Q1", "Victims supported", before, before + 5
    )
    assert dialog.changes_table.source_model.data(dialog.changes_table.source_model.index(0, 6)) == "Changed"
    victims = next(t for t in dialog.totals_table.visible_records() if t.key == "victims_supported")
    assert victims.now - victims.then == 5
    assert "1 value has changed" in dialog.summary_label.text()
    assert "No longer locked" in dialog.summary_label.text()
    dialog.reject()


def test_copy_report_puts_the_panel_sentence_on_the_clipboard(demo_window):
    page = _page(demo_window)
    assert PANEL_SENTENCE in page.report_panel.text_edit.toPlainText()
    assert page.report_panel.text_edit.isReadOnly()
    page.report_panel.copy_button.click()
    assert PANEL_SENTENCE in QGuiApplication.clipboard().text()


def test_cancelling_the_progress_dialog_writes_no_file(qtbot, demo_window, out, monkeypatch):
    real_write = export_run.write_moj_return
    started = threading.Event()

    def slow_write(db, period, target, *, include_unverified, progress, cancelled):
        # Hold the worker until the officer presses Cancel, then let the real export notice it.
        started.set()
        deadline = time.monotonic() + 10
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real_write(db, period, target, include_unverified=include_unverified,
                          progress=progress, cancelled=cancelled)

    monkeypatch.setattr(export_run, "write_moj_return", slow_write)
    page = _page(demo_window)
    page.export_to(out / "cancelled.xlsx")
    assert started.wait(5)
    page.progress_dialog.findChild(QPushButton).click()  # the officer presses Cancel
    _wait_for_export(qtbot, page)
    assert list(out.iterdir()) == []
    assert page.message_label.text() == "Cancelled: no file was written."
    assert page.save_button.isEnabled()


def test_a_folder_as_the_target_shows_the_error_and_changes_nothing(qtbot, demo_window, out):
    page = _page(demo_window)
    folder = out / "MoJ return.xlsx"
    folder.mkdir()
    page.export_to(folder)
    _wait_for_export(qtbot, page)
    assert _tint(page.message_label) == "red"
    assert "The workbook was not saved" in page.message_label.text()
    assert "it is a folder" in page.message_label.text()
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_workbook_open_in_excel_is_reported_and_the_old_file_stays_intact(qtbot, demo_window, out, monkeypatch):
    from desktop_app.excel import writer

    target = out / "MoJ return 2022-23.xlsx"
    target.write_bytes(b"the workbook sent last week")
    real_replace = writer.os.replace

    def locked_by_excel(source, destination):
        # On Windows a file open in Excel cannot be replaced: the rename fails like this.
        if str(destination) == str(target):
            raise PermissionError(13, "Permission denied", str(destination))
        return real_replace(source, destination)

    monkeypatch.setattr(writer.os, "replace", locked_by_excel)
    page = _page(demo_window)
    page.export_to(target)
    _wait_for_export(qtbot, page)
    assert "open in another program" in page.message_label.text()
    assert _tint(page.message_label) == "red"
    assert target.read_bytes() == b"the workbook sent last week"
    assert sorted(p.name for p in out.iterdir()) == [target.name]  # no temporary file left


def test_every_input_is_named_by_its_visible_label(demo_window):
    page = demo_window.show_page("exports")
    pairs = [(label.text(), label.buddy()) for label in page.findChildren(QLabel) if label.buddy() is not None]
    assert {text for text, _ in pairs} == {"Financial year", "Period", "Signed off by (Chief Finance Officer)"}
    assert all(widget.accessibleName() == text for text, widget in pairs)
    assert page.picker.unverified_check.accessibleName() == page.picker.unverified_check.text()
    assert page.report_panel.text_edit.accessibleName() == "Panel report"
    assert page.submissions_panel.table.accessibleName() == "Submissions"


def test_a_final_half_year_return_needs_the_cfos_name_which_the_submission_and_workbook_keep(qtbot, demo_window, out, monkeypatch):
    db = demo_window.workspace.db
    page = _page(demo_window, "2024/25", "H1")
    assert page.sign_off_row.isVisible()
    monkeypatch.setattr(page, "ask_save_path", lambda caption, suggested: str(out / suggested))
    page.final_button.click()
    assert page.active_dialog is None  # no confirmation without the sign-off
    assert "must be signed off by the Chief Finance Officer" in page.message_label.text()
    assert _tint(page.message_label) == "red"
    assert list_submissions(db) == []
    qtbot.keyClicks(page.signed_off_edit, "Sam Okafor")
    page.final_button.click()
    box = page.active_dialog
    next(b for b in box.buttons() if b.text() == CONFIRM_FINAL).click()
    _wait_for_export(qtbot, page)
    [submission] = list_submissions(db)
    assert submission.signed_off_by == "Sam Okafor"
    target = out / "MoJ return 2024-25 H1 final.xlsx"
    book = CalamineWorkbook.from_path(str(target))
    assert [n for n in book.sheet_names if n.startswith("Finance")] == ["Finance core", "Finance general"]
    summary = [row[0] for row in book.get_sheet_by_name("Summary").to_python()[:10]]
    assert any(line.startswith("Signed off by Sam Okafor, Chief Finance Officer") for line in summary)
    # A quarter is not signed off: the name's row goes away.
    page.picker.select_part("Q1")
    assert not page.sign_off_row.isVisible()


def test_the_final_return_question_says_how_many_are_missing_and_unverified_and_lists_them(demo_window):
    db = demo_window.workspace.db
    page = _page(demo_window, "2024/25", "year")
    before = _states(db, "2024/25", 3)

    page.final_button.click()
    box = page.active_dialog
    assert isinstance(box, QMessageBox)
    text = box.informativeText()
    assert "locks the 212 returns" in text
    assert "18 returns are missing" in text
    assert "58 unverified returns (draft or submitted) are left out" in text
    listed = box.detailedText().splitlines()
    assert len(listed) == 1 + 18 + 58
    assert "2024/25 Q3, strand WY-004 (Aire Valley Victim Support): submitted" in listed
    assert sum(line.endswith(": missing") for line in listed) == 18

    box.button(QMessageBox.StandardButton.Cancel).click()
    assert _states(db, "2024/25", 3) == before  # nothing was locked by asking
    assert list_submissions(db) == []


def test_the_final_return_question_lists_nothing_when_every_return_is_in(demo_window):
    page = _page(demo_window, "2024/25", "Q1")
    page.final_button.click()
    box = page.active_dialog
    assert "locks the 72 returns" in box.informativeText()
    assert "Not included" not in box.informativeText()
    assert box.detailedText() == ""
    box.button(QMessageBox.StandardButton.Cancel).click()


def test_on_a_laptop_the_totals_scroll_rather_than_the_counts_line_covering_them(qtbot, demo_window):
    page = demo_window.show_page("exports")  # the window is laptop-sized (1366 by 768)
    panel = page.preview_panel
    table = panel.totals_table
    qtbot.waitUntil(lambda: table.viewport().height() > 100)

    def laid_out_whole() -> bool:
        header = table.horizontalHeader()
        total_column_shown = header.sectionViewportPosition(1) + header.sectionSize(1) <= table.viewport().width()
        return total_column_shown and panel.counts_label.geometry().top() >= table.geometry().bottom()

    qtbot.waitUntil(laid_out_whole)
    assert table.verticalScrollBar().maximum() > 0  # not every total fits on a laptop: they scroll
    demo_window.resize(1600, 1150)
    qtbot.waitUntil(lambda: table.verticalScrollBar().maximum() == 0)  # where there is room, all at once
    qtbot.waitUntil(laid_out_whole)
