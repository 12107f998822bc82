"""The one rule of the architecture: imports point down (cli -> app -> ui -> services -> store -> core,
excel beside services), and a page never reaches into another page.

Every import counts wherever it is written: at the top, inside a function (a lazy import), as
a relative import, or as a module named in a string ("desktop_app.ui.pages.x.page:XPage", as
the page registry loads its pages by name).
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "desktop_app"

# What each layer may import of ours. The foundations (the package itself, `paths` and
# `crash_log`) import nothing of ours but each other, and every layer may use them.
FOUNDATIONS = {"", "paths", "crash_log"}
MAY_IMPORT: dict[str, set[str]] = {
    "core": {"core"},
    "store": {"store", "core"},
    "excel": {"excel", "core"},
    "services": {"services", "store", "excel", "core"},
    "ui": {"ui", "services", "core"},
    "app": {"app", "ui", "services", "core"},
    "cli": {"cli", "app", "ui", "services", "core"},
    "__main__": {"cli"},
    **{name: set() for name in FOUNDATIONS},
}
# Libraries that belong to one part of the program only.
QT = ("PySide6", "shiboken6", "pyqtgraph")
ONLY_IN: dict[str, set[str]] = {
    **{library: {"ui", "app", "cli"} for library in QT},
    "sqlalchemy": {"store", "services"},
    "alembic": {"store"},
    "openpyxl": {"excel"},
}
PAGES = "desktop_app.ui.pages"
MODULE_NAME = re.compile(r"desktop_app(\.\w+)+(:\w+)?")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str, root: Path) -> bool:
    parts = name.split(".")
    if parts[0] != root.name:
        return False
    where = root.joinpath(*parts[1:])
    return where.is_dir() or where.with_suffix(".py").is_file()


def _imported(path: Path, root: Path) -> set[str]:
    """Every module `path` imports, however it is written."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.add(stem)
            # `from desktop_app.ui.pages import returns` imports a module, not a name in one.
            found.update(f"{stem}.{a.name}" for a in node.names if _is_module(f"{stem}.{a.name}", root))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and MODULE_NAME.fullmatch(node.value):
            found.add(node.value.split(":")[0])
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _page_package(module: str, root: Path) -> str | None:
    """The page package `module` is in or names ("returns" for desktop_app.ui.pages.returns.page)."""
    if not module.startswith(PAGES + "."):
        return None
    name = module.split(".")[3]
    return name if (root / "ui" / "pages" / name).is_dir() else None


def layer_violations(root: Path = PACKAGE) -> list[str]:
    """Each import under `root` (a copy of the desktop_app package) that breaks the rules."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        layer = _layer(module)
        allowed = MAY_IMPORT.get(layer, set()) | FOUNDATIONS
        home_page = _page_package(module, root)
        for name in sorted(_imported(path, root)):
            top = name.split(".")[0]
            if top == "desktop_app":
                if name != "desktop_app" and _layer(name) not in allowed:
                    problems.append(f"{module} ({layer or 'foundation'}) imports {name} ({_layer(name)})")
                target_page = _page_package(name, root)
                if target_page is not None and target_page != home_page and module != f"{PAGES}.registry":
                    problems.append(f"{module} reaches into the {target_page} page: {name}")
            elif top in ONLY_IN and layer not in ONLY_IN[top]:
                problems.append(f"{module} ({layer or 'foundation'}) imports {top}")
    return problems


def test_every_import_points_down_and_no_page_reaches_into_another():
    assert layer_violations() == []


def test_every_module_of_the_package_is_in_a_known_layer():
    layers = {_layer(_module_name(path, PACKAGE)) for path in PACKAGE.rglob("*.py")}
    assert layers <= set(MAY_IMPORT), layers - set(MAY_IMPORT)
    assert {"core", "store", "excel", "services", "ui", "app", "cli"} <= layers


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "desktop_app"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_a_planted_upward_import_is_caught_however_it_is_written(tmp_path):
    root = _copy(tmp_path)
    planted = {
        "core/planted_top.py": "from desktop_app.services.strands import list_strands\n",
        "store/planted_lazy.py": "def later():\n    from desktop_app.ui.style import apply_style\n",
        "services/planted_relative.py": "from ..ui import tasks\n",
        "services/planted_qt.py": "import PySide6.QtCore\n",
        "ui/planted_store.py": "import desktop_app.store.database\n",
        "ui/planted_app.py": "def later():\n    import desktop_app.app\n",
        "excel/planted_by_name.py": "WHERE = 'desktop_app.services.report:year_report'\n",
        "app.py": "def later():\n    from desktop_app.store.database import open_database\n",
        "cli.py": "def later():\n    from desktop_app.excel import writer\n",
    }
    for where, text in planted.items():
        with (root / where).open("a", encoding="utf-8") as file:  # the real app.py and cli.py grow one
            file.write("\n" + text)
    found = layer_violations(root)
    for where in planted:
        assert any(line.startswith(_module_name(root / where, root) + " ") for line in found), where
    # Nothing else: the copy of the real package had no offender of its own.
    assert {line.split(" ")[0] for line in found} == {_module_name(root / where, root) for where in planted}


def test_a_page_importing_another_page_or_the_shell_reaching_into_a_page_is_caught(tmp_path):
    root = _copy(tmp_path)
    (root / "ui/pages/dashboard/planted.py").write_text(
        "from desktop_app.ui.pages.indicators.table import NONE_SHOWN\n", encoding="utf-8"
    )
    (root / "ui/planted_shell.py").write_text(
        "def later():\n    from .pages.returns import templates_actions\n", encoding="utf-8"
    )
    found = layer_violations(root)
    assert found == [
        "desktop_app.ui.pages.dashboard.planted reaches into the indicators page: desktop_app.ui.pages.indicators.table",
        "desktop_app.ui.planted_shell reaches into the returns page: desktop_app.ui.pages.returns",
        "desktop_app.ui.planted_shell reaches into the returns page: desktop_app.ui.pages.returns.templates_actions",
    ]
