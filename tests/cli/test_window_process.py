"""The window as a real process: it opens, quits cleanly, and renders every page to PNG."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from PySide6.QtGui import QImage

from tests.conftest import REPO_ROOT, run_cli

PAGES = ["dashboard", "providers", "strands", "returns", "indicators", "exports"]


def test_screenshot_writes_every_page_at_laptop_size_and_exits_cleanly(demo_path, tmp_path):
    result = run_cli("screenshot", "--db", str(demo_path), "--out", str(tmp_path / "shots"),
                     env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    for page in PAGES:
        picture = QImage(str(tmp_path / "shots" / f"{page}.png"))
        assert (picture.width(), picture.height()) == (1366, 768), page


def test_the_window_opens_and_quits_without_crashing(demo_path, tmp_path):
    script = textwrap.dedent(
        f"""
        import os, sys
        os.environ["XDG_CONFIG_HOME"] = {str(tmp_path / "config")!r}
        from PySide6.QtCore import QTimer
        from desktop_app.app import _application, run_gui
        app = _application()
        QTimer.singleShot(1500, app.quit)  # the officer closes the window
        sys.exit(run_gui({str(demo_path)!r}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
