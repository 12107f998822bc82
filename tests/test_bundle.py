"""The PyInstaller one-folder bundle finds its migrations and reference data and works."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.slow
def test_the_bundle_builds_a_demo_and_reports_the_published_totals(tmp_path):
    pyinstaller = shutil.which("pyinstaller", path=str(Path(sys.executable).parent))
    assert pyinstaller, "pyinstaller is part of the test extras"
    build = subprocess.run(
        [pyinstaller, "--noconfirm", "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"),
         str(REPO_ROOT / "pyinstaller.spec")],
        capture_output=True, text=True, cwd=tmp_path, timeout=1200,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    program = tmp_path / "dist" / "commissioning-desk" / "commissioning-desk"
    assert program.is_file()
    database = tmp_path / "bundle.sqlite"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    demo = subprocess.run([str(program), "--db", str(database), "demo"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert demo.returncode == 0, demo.stderr
    report = subprocess.run(
        [str(program), "--db", str(database), "report", "--year", "2022/23", "--format", "json"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["totals"]["victims_supported"] == 90793
