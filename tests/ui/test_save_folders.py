"""Where the file dialogs open: the officer's Documents folder first, then the last folder used."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLineEdit

from desktop_app.ui.save_folders import FolderDialog, documents_folder


@pytest.fixture
def documents(tmp_path, monkeypatch):
    folder = tmp_path / "My documents"
    folder.mkdir()
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(folder))  # what platformdirs reads on Linux
    return folder


@pytest.fixture
def settings(settings):
    settings.setValue("window/page", "exports")
    return settings


def test_the_first_export_is_offered_in_documents_and_the_next_where_the_last_was_saved(
    qtbot, demo_window, documents, tmp_path, monkeypatch
):
    assert documents_folder() == documents
    offered = []
    chosen = tmp_path / "Returns sent"
    chosen.mkdir()

    def answer(parent, caption, start, file_filter):
        offered.append(Path(start).parent)
        return str(chosen / Path(start).name), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    page = demo_window.show_page("exports")
    page.picker.select_year("2022/23")
    page.picker.select_part("year")  # the whole year (the window opens on the current quarter)
    page.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    assert (chosen / "MoJ return 2022-23.xlsx").is_file()
    # Not the program's data folder beside the database, where the file would be lost.
    assert offered == [documents]
    assert demo_window.workspace.path.parent != documents

    page.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    assert offered == [documents, chosen]


def test_a_new_folder_name_typed_in_the_template_folder_picker_is_made(qtbot, tmp_path):
    dialog = FolderDialog(None, "Make templates for 2024/25 Q1 in…", tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
    name_edit.setText("Q1 templates")
    dialog.accept()
    assert dialog.result() == QFileDialog.DialogCode.Accepted
    assert (tmp_path / "Q1 templates").is_dir()
    assert Path(dialog.selectedFiles()[0]) == tmp_path / "Q1 templates"
    dialog.deleteLater()


def test_an_existing_folder_is_chosen_as_it_is(qtbot, tmp_path):
    (tmp_path / "Templates").mkdir()
    dialog = FolderDialog(None, "Make templates in…", tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.findChild(QLineEdit, "fileNameEdit").setText("Templates")
    dialog.accept()
    assert dialog.result() == QFileDialog.DialogCode.Accepted
    assert Path(dialog.selectedFiles()[0]) == tmp_path / "Templates"
