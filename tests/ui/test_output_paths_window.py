"""The window's save dialogs refuse the open database's own files, as the command line does."""

from __future__ import annotations

import sqlite3

from desktop_app.ui import main_window


def _saved_edits(path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute('SELECT count(*) FROM "return"').fetchone()[0]
    finally:
        connection.close()


def test_backup_now_over_the_live_wal_is_refused_and_keeps_every_edit(demo_window, demo_path, monkeypatch):
    wal = demo_path.with_name(demo_path.name + "-wal")
    returns = _saved_edits(demo_path)
    shown = []
    monkeypatch.setattr(main_window.QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(wal), ""))
    monkeypatch.setattr(main_window.QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    demo_window._on_backup_triggered()
    assert shown and shown[0][0] == "Backup not made"
    assert str(wal) in shown[0][1] and "write-ahead log" in shown[0][1] and "nothing was written" in shown[0][1]
    assert _saved_edits(demo_path) == returns


def test_saving_the_moj_return_into_the_backups_folder_is_refused(qtbot, demo_window, demo_path):
    backups = demo_path.with_name(f"{demo_path.stem}-backups")
    # The window's own copy on opening goes there first (just after the first paint): let it land.
    qtbot.waitUntil(lambda: "Backup copy kept" in demo_window.statusBar().currentMessage(), timeout=30000)
    before = sorted(p.name for p in backups.iterdir())
    page = demo_window.show_page("exports")
    page.picker.select_year("2022/23")  # a year with verified returns (the window opens on the current quarter)
    page.picker.select_part("year")
    page.export_to(backups / "MoJ return.xlsx")
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=60000)
    assert page.message_label.objectName() == "formProblem"
    assert "backups folder" in page.message_label.text()
    assert sorted(p.name for p in backups.iterdir()) == before


def test_making_templates_into_the_backups_folder_is_refused(qtbot, demo_window, demo_path):
    backups = demo_path.with_name(f"{demo_path.stem}-backups")
    page = demo_window.show_page("returns")
    page.templates.make_templates_in(backups / "templates")
    qtbot.waitUntil(lambda: not page.templates.is_busy(), timeout=60000)
    text = page.message_label.text()
    assert text.startswith("No template was made") and "backups folder" in text
    assert not (backups / "templates").exists()
