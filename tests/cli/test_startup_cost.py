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
