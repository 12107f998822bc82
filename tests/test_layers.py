"""The one rule of the architecture: imports point down (ui -> services -> store -> core)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "desktop_app"


def _imports(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (PACKAGE / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(PACKAGE))] = names
    return found


def _offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in _imports(folder).items()
        for name in names
        if name.split(".")[0] in forbidden or name.startswith(forbidden)
    )


def test_nothing_below_the_ui_imports_qt():
    for layer in ("core", "store", "services", "excel"):
        assert _offenders(layer, ("PySide6", "pyqtgraph", "desktop_app.ui")) == [], layer


def test_the_ui_never_touches_sqlalchemy_or_the_store():
    assert _offenders("ui", ("sqlalchemy", "alembic", "desktop_app.store")) == []


def test_core_imports_nothing_of_ours_but_core():
    offenders = [
        line
        for line in _offenders("core", ("desktop_app",))
        if not line.split(" imports ")[1].startswith("desktop_app.core")
    ]
    assert offenders == []
    assert _offenders("core", ("sqlalchemy", "openpyxl")) == []


def test_store_and_excel_do_not_reach_up():
    assert _offenders("store", ("desktop_app.services", "desktop_app.excel")) == []
    assert _offenders("excel", ("desktop_app.services", "desktop_app.store", "sqlalchemy")) == []
