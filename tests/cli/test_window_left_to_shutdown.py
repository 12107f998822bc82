"""`build_main_window` without `dispose_window`: the process must still exit cleanly, every time."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Builds the window, visits every page (charts included) and exits, leaving the window to
# interpreter shutdown as an embedding script or a quick test would.
LEFT_BEHIND = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from desktop_app.app import build_main_window
from desktop_app.ui.pages.registry import PAGES
window = build_main_window(sys.argv[1], settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show()
for key in (entry.key for entry in PAGES):
    window.show_page(key)
    QApplication.processEvents()
print("visited")
"""


@pytest.mark.slow
def test_a_window_left_to_interpreter_shutdown_exits_cleanly_twenty_times_out_of_twenty(demo_path, tmp_path):
    failures = []
    for run in range(20):
        result = subprocess.run(
            [sys.executable, "-c", LEFT_BEHIND, str(demo_path), str(tmp_path / f"settings{run}.ini")],
            capture_output=True, text=True, timeout=180,
        )
        if result.returncode != 0 or "visited" not in result.stdout:
            failures.append((run, result.returncode, result.stderr[-500:]))
    assert failures == []
