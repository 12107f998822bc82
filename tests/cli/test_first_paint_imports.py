"""The window's first paint must not wait for libraries that only later work needs."""

from __future__ import annotations

import json
import subprocess
import sys

# Charts (pyqtgraph, and numpy under it), workbooks (openpyxl), migrations (alembic) and
# statistics (scipy) each cost a large share of a start-up, and so does SQLAlchemy (the first paint
# reads its figures with sqlite3); none is needed to paint the window.
OFF_THE_START_UP_PATH = ("pyqtgraph", "numpy", "openpyxl", "alembic", "scipy", "sqlalchemy")

PROBE = """
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QSettings
from desktop_app.app import build_main_window, dispose_window
window = build_main_window(sys.argv[1], settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show(); window.repaint()
painted = sorted({m.split(".")[0] for m in sys.modules})
figures = window.current_page().key
dispose_window(window)
print(json.dumps({"modules": painted, "page": figures}))
"""


def test_the_dashboard_is_painted_before_charts_workbooks_migrations_or_statistics_are_loaded(demo_path, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(demo_path), str(tmp_path / "settings.ini")],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["page"] == "dashboard"  # the probe really painted the page with the figures
    assert "PySide6" in found["modules"]
    assert set(OFF_THE_START_UP_PATH) & set(found["modules"]) == set()
