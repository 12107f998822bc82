"""The first launch offers three ways in, and the demo lands in the user's own data folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from desktop_app.app import Launcher
from desktop_app.store.database import is_demo, open_database
from desktop_app.ui.first_launch import FirstLaunchDialog


def test_the_three_choices_are_offered_in_words(qtbot, tmp_path):
    dialog = FirstLaunchDialog(tmp_path / "desk.sqlite")
    qtbot.addWidget(dialog)
    texts = [dialog.demo_button.text(), dialog.empty_button.text(), dialog.open_button.text()]
    assert texts == ["Explore the demo data", "Create an empty database", "Open an existing database…"]
    dialog.empty_button.click()
    assert dialog.chosen == str(tmp_path / "desk.sqlite")


def test_exploring_the_demo_builds_it_in_the_user_data_folder(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    dialog = FirstLaunchDialog(tmp_path / "desk.sqlite")
    qtbot.addWidget(dialog)
    dialog.demo_button.click()
    chosen = Path(dialog.chosen)
    assert chosen.is_relative_to(tmp_path / "data")
    with open_database(chosen) as db:
        assert is_demo(db)


def test_the_launcher_moves_the_window_to_another_database_and_remembers_it(qtbot, db_path, demo_path, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    launcher = Launcher(settings)
    first = launcher.build(str(db_path))  # the launcher owns (and later deletes) its windows
    launcher.open_database(str(demo_path), create=False)
    second = launcher.window
    assert second is not first
    assert second.demo_banner.isVisibleTo(second)
    assert settings.value("database/last") == str(demo_path)
    open_database(db_path).close()  # the first database was let go
    from desktop_app.app import dispose_window

    dispose_window(second)


def test_opening_an_empty_or_missing_file_is_refused_and_only_new_database_makes_one(qtbot, tmp_path):
    import pytest

    from desktop_app.app import dispose_window
    from desktop_app.store.errors import DatabaseNotFoundError, NotADeskDatabaseError

    launcher = Launcher(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(NotADeskDatabaseError, match="is empty"):
        launcher.build(str(empty))  # File › Open…, the last database, --db
    assert empty.stat().st_size == 0
    with pytest.raises(DatabaseNotFoundError):
        launcher.build(str(tmp_path / "typo.sqlite"))
    assert not (tmp_path / "typo.sqlite").exists()
    window = launcher.build(str(tmp_path / "new.sqlite"), create=True)  # New database…, first launch
    assert window.workspace.db.created
    dispose_window(window)


def test_the_first_launchs_empty_database_is_the_one_choice_that_creates(qtbot, tmp_path):
    dialog = FirstLaunchDialog(tmp_path / "desk.sqlite")
    qtbot.addWidget(dialog)
    assert not dialog.creates
    dialog.empty_button.click()
    assert dialog.creates
