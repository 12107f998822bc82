"""db/ and resources/ are found from an installed wheel, not only from a checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.slow
def test_the_wheel_carries_migrations_and_reference_data_and_runs_from_elsewhere(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("commissioning_desk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "desktop_app/_bundled/db/reference_data.toml" in names
    assert any(n.startswith("desktop_app/_bundled/db/migrations/versions/") for n in names)
    assert "desktop_app/_bundled/db/migrations/env.py" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    # Only the unpacked wheel is importable as desktop_app: not the checkout.
    where = subprocess.run(
        [sys.executable, "-c", "import desktop_app.paths as p; print(p.db_dir())"],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip() == str(site / "desktop_app" / "_bundled" / "db")

    database = elsewhere / "new.sqlite"
    # Only `demo` (or the window's New database) makes a file: it runs every migration from
    # the wheel and loads its reference data.
    demo = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(database), "demo"],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300,
    )
    assert demo.returncode == 0, demo.stderr
    report = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(database), "report", "--year", "2022/23", "--format", "json"],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300,
    )
    assert report.returncode == 0, report.stderr
    assert set(json.loads(report.stdout)["totals"]) >= {"victims_supported", "rj_supported"}
