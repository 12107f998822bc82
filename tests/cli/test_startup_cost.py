"""Opening a current database must not pay for migrations machinery, openpyxl or Qt."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from desktop_app.store.database import open_database
from desktop_app.services.report import year_report
from desktop_app.core.periods import FinancialYear
db = open_database(sys.argv[1])
year_report(db, FinancialYear(2022))
db.close()
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
"""


def test_opening_a_database_at_head_imports_no_alembic_openpyxl_or_qt(db_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(db_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "sqlalchemy" in loaded  # the probe really opened a database
    assert {"alembic", "openpyxl", "PySide6", "pyqtgraph"} & loaded == set()


def test_a_new_database_does_run_the_migrations(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "new.sqlite")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "alembic" in json.loads(result.stdout)


WINDOW_PROBE = """
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from desktop_app.app import build_main_window, dispose_window
app = QApplication.instance() or QApplication([])
window = build_main_window(sys.argv[1], settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show()
app.processEvents()
opened = "scipy" in sys.modules
window.show_page("indicators")
app.processEvents()
shown = "scipy" in sys.modules
dispose_window(window)
print(json.dumps([opened, shown]))
"""


def test_neither_the_window_nor_the_indicators_page_loads_scipy(demo_path, tmp_path):
    # The significance tests are worked out with `math` (core/indicator_trend.py), so scipy,
    # once loaded when the indicators were shown, is never needed.
    result = subprocess.run(
        [sys.executable, "-c", WINDOW_PROBE, str(demo_path), str(tmp_path / "settings.ini")],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [False, False]
