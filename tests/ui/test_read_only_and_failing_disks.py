"""The window over a read-only file and a full disk: it says so, saves nothing, shows no traceback."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.services.providers import list_providers
from desktop_app.ui.read_only import READ_ONLY_BANNER_TEXT
from desktop_app.ui.last_resort import LastResort
from tests import hostile_databases as hostile
from tests.ui.conftest import _open
from tests.ui.test_providers_page import _fill_new_provider


@pytest.fixture
def read_only_demo(demo_path, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = hostile.read_only_file(folder, demo_path)
    yield path
    hostile.release(path)


@pytest.fixture
def read_only_window(qtbot, read_only_demo, settings):
    window = _open(qtbot, read_only_demo, settings)
    yield window
    window.close()
    window.workspace.close()


def test_a_read_only_file_opens_with_a_banner_saying_so(read_only_window):
    assert read_only_window.read_only_banner.isVisibleTo(read_only_window)
    assert read_only_window.read_only_banner.text() == READ_ONLY_BANNER_TEXT
    assert not read_only_window.new_record_action.isEnabled()


def test_a_read_only_window_disables_every_button_that_saves(qtbot, read_only_window):
    providers = read_only_window.show_page("providers")
    assert not providers.new_button.isEnabled()
    strands = read_only_window.show_page("strands")
    assert not strands.new_strand_button.isEnabled() and not strands.new_stream_button.isEnabled()
    returns = read_only_window.show_page("returns")
    assert not returns.copy_button.isEnabled() and not returns.verify_button.isEnabled()
    assert not returns.templates.import_button.isEnabled()
    assert returns.templates.make_button.isEnabled()  # making templates only reads
    assert not returns.grid_panel.save_button.isEnabled()
    exports = read_only_window.show_page("exports")
    exports.picker.select_year("2022/23")  # a year with verified returns (the window opens on the current quarter)
    exports.picker.select_part("year")
    assert not exports.final_button.isEnabled()
    assert exports.save_button.isEnabled()  # a workbook can still be written elsewhere


def test_a_provider_opened_on_a_read_only_file_cannot_be_saved(qtbot, read_only_window, read_only_demo):
    before = read_only_demo.read_bytes()
    page = read_only_window.show_page("providers")
    provider = page.table.visible_records()[0]
    form = page._open_form(provider)
    assert not form.save_button.isEnabled() and not form.delete_button.isEnabled()
    form.name_edit.setText("Renamed on a read-only file")
    form._on_save_requested()  # Ctrl+S
    assert form.isVisible()
    assert "is read-only" in form.problem.text()
    assert form.name_edit.text() == "Renamed on a read-only file"  # what was typed stays
    form.reject()
    assert read_only_demo.read_bytes() == before


def test_saving_a_provider_when_the_disk_is_full_is_refused_under_the_form(qtbot, db_path, settings, tmp_path):
    with hostile.small_disk(tmp_path / "disk", "4m") as disk:
        path = Path(shutil.copyfile(db_path, disk / "desk.sqlite"))
        window = _open(qtbot, path, settings)
        try:
            page = window.show_page("providers")
            form = page._open_form(None)
            _fill_new_provider(qtbot, form)
            form.notes_edit.setPlainText("A long note. " * 2000)
            hostile.fill_disk(disk)
            form._on_save_requested()  # Ctrl+S
            assert form.isVisible(), "the form closed as if saved"
            assert form.name_edit.text() == "Aire Valley Victim Support"  # what was typed stays
            assert f"Nothing was saved to {path}: the disk is full" in form.problem.text()
            form.reject()
            (disk / "filler.bin").unlink()
            assert list_providers(window.workspace.db) == []
        finally:
            window.close()
            window.workspace.close()
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_unforeseen_error_in_the_window_becomes_a_plain_dialog_and_a_log(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    handler = LastResort()
    try:
        raise KeyError("quarter_total")
    except KeyError as error:
        handler(type(error), error, error.__traceback__)
    box = handler.box
    qtbot.addWidget(box)
    assert box.isVisible() and box.icon() == QMessageBox.Icon.Critical
    log = tmp_path / "state" / "Commissioning Desk" / "log" / "errors.log"
    assert box.text() == (
        "Commissioning Desk met a problem it did not expect (KeyError: 'quarter_total') and stopped "
        f"what it was doing. The details were written to {log}."
    )
    assert "Traceback" not in box.text()
    written = log.read_text()
    assert "Traceback (most recent call last)" in written and "KeyError: 'quarter_total'" in written
    box.close()


def test_a_known_refusal_that_escapes_a_page_is_shown_as_worded(qtbot, tmp_path, monkeypatch):
    from desktop_app.store.errors import DiskRefusedError

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    handler = LastResort()
    refusal = DiskRefusedError("Nothing was saved to desk.sqlite: the disk is full. Free some space.")
    handler(type(refusal), refusal, None)
    qtbot.addWidget(handler.box)
    assert handler.box.text() == str(refusal)
    assert handler.box.icon() == QMessageBox.Icon.Warning
    assert not (tmp_path / "state").exists()  # a refusal is not a crash: nothing to log
    handler.box.close()
    assert QApplication.instance() is not None


def test_a_return_opened_on_a_read_only_file_offers_no_save_and_no_workflow_step(qtbot, read_only_window):
    from tests.ui.test_returns_page import open_form_from_grid

    read_only_window.activateWindow()
    qtbot.waitUntil(read_only_window.isActiveWindow)
    page = read_only_window.show_page("returns")
    dialog = open_form_from_grid(qtbot, page, 0)
    assert dialog.step_buttons  # the return has a next step (submit, verify...) on a writable file
    assert not dialog.save_button.isEnabled()
    assert not any(button.isEnabled() for button in dialog.step_buttons.values())
    dialog.reject()
