"""Render every main page of the window to PNG files, as an officer would see them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop_app.services.output_paths import check_output_file, check_output_folder
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.pages.registry import PAGES

# A common laptop screen: what the pages must look right on.
SCREENSHOT_SIZE = (1366, 768)


def save_screenshots(window: MainWindow, out_dir: Path) -> list[Path]:
    """Show each page in turn and save `<out_dir>/<page>.png`; returns the files written.

    Refuses (`OutputRefused`, before writing anything) a folder or file name that is the open
    database or one of its companions."""
    db = window.workspace.db
    check_output_folder(db, out_dir, "the screenshots")
    for key in (entry.key for entry in PAGES):
        check_output_file(db, out_dir / f"{key}.png", "a screenshot")
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    written = []
    for key in (entry.key for entry in PAGES):
        window.show_page(key)
        for _ in range(3):  # layouts settle over a few passes
            QApplication.processEvents()
        path = out_dir / f"{key}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written
