"""What the migration tests share: the demo as the first release wrote it."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest

# Made by revision 0001's code with the whole demo in it (tests/fixtures/README.md).
OLD_DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo-rev0001.sqlite.gz"


@pytest.fixture
def old_demo(tmp_path) -> Path:
    """A fresh, writable copy of the first release's demo database, at revision 0001."""
    path = tmp_path / "rev0001.sqlite"
    with gzip.open(OLD_DEMO, "rb") as packed, open(path, "wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    return path


def stored_rows(path: Path, queries: dict[str, str]) -> dict[str, list]:
    """Each query's rows, read with plain sqlite3 (what a migration must leave as it found)."""
    with sqlite3.connect(path) as connection:
        return {name: connection.execute(sql).fetchall() for name, sql in queries.items()}
