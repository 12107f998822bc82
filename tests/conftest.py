"""Shared fixtures: real SQLite files, built once and copied per test (fast and isolated)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

# Qt must never look for a screen in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.store.database import open_database  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]


def _copy_database(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Path:
    """A database at the head revision with the reference data loaded, and nothing else."""
    path = tmp_path_factory.mktemp("templates") / "empty.sqlite"
    db = open_database(path)
    # One self-contained file, so a plain copy is a whole database.
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def db_path(empty_template, tmp_path) -> Path:
    """A fresh copy of the empty template for one test."""
    return _copy_database(empty_template, tmp_path / "desk.sqlite")


@pytest.fixture
def db(db_path):
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo database, built once for the whole run."""
    from desktop_app.services.demo import build_demo

    path = tmp_path_factory.mktemp("templates") / "demo.sqlite"
    database = open_database(path)
    build_demo(database)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture
def demo_path(demo_template, tmp_path) -> Path:
    return _copy_database(demo_template, tmp_path / "demo.sqlite")


@pytest.fixture
def demo_db(demo_path):
    database = open_database(demo_path)
    yield database
    database.close()


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run the program as a real subprocess, as an officer or a script would."""
    import subprocess

    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO_ROOT,
        env=full_env,
        timeout=300,
    )
