"""Where the program finds its bundled folders and keeps the user's files.

`db/` (migrations and reference data) and `resources/` sit at the top of the repository. They
are found in three situations, and this module is the only place that knows them:

- a PyInstaller bundle: next to the unpacked code, under `sys._MEIPASS`;
- an installed wheel: inside the package, as `desktop_app/_bundled/` (pyproject force-includes
  them there);
- a checkout or an editable install: beside the `desktop_app/` folder.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from desktop_app import APP_NAME, ORG_NAME

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def _bundled_root() -> Path:
    candidates: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root))
    candidates.append(_PACKAGE_DIR / "_bundled")
    candidates.append(_PACKAGE_DIR.parent)
    for root in candidates:
        if (root / "db" / "reference_data.toml").is_file():
            return root
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"{APP_NAME} cannot find its db/ folder (migrations and reference data); looked in {searched}"
    )


def db_dir() -> Path:
    """The folder holding Alembic migrations and the reference data file."""
    return _bundled_root() / "db"


def migrations_dir() -> Path:
    return db_dir() / "migrations"


def reference_data_file() -> Path:
    return db_dir() / "reference_data.toml"


def resources_dir() -> Path:
    return _bundled_root() / "resources"


def user_data_dir() -> Path:
    """The per-user folder for the default database and its backups (created on demand)."""
    from platformdirs import user_data_path  # small, but only needed when no --db is given

    return user_data_path(APP_NAME, ORG_NAME, ensure_exists=True)


def default_database_path() -> Path:
    return user_data_dir() / "commissioning-desk.sqlite"
