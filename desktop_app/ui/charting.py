"""pyqtgraph for the charts, imported for about a third less than a plain `import pyqtgraph`.

Every chart module takes pyqtgraph from here (`from desktop_app.ui.charting import pg`).

pyqtgraph keeps its own mirrors of QtCore, QtGui and QtWidgets (`pyqtgraph.Qt.QtCore`, …, empty
modules in the package) and fills them on import by copying every name PySide6 has
(`pyqtgraph.Qt._copy_attrs`). Touching a name makes PySide6 build that class and all its
Python enums: some 600 enums, most of them for classes no chart uses, and that is a third of
the import and a quarter of the time before the dashboard's charts appear.

Here the mirrors are made first, each answering a name from PySide6 when first asked, and
PySide6's modules list no names while pyqtgraph imports, so the copy finds nothing to copy.
pyqtgraph's own changes to its mirrors stay in the mirrors, as before. When pyqtgraph is
imported already, or its mirrors are not the empty modules this relies on (another version),
the import is the plain one.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import PySide6.QtCore
import PySide6.QtGui
import PySide6.QtWidgets

_MIRRORED = {"QtCore": PySide6.QtCore, "QtGui": PySide6.QtGui, "QtWidgets": PySide6.QtWidgets}


def _mirror_folders() -> dict[str, Path] | None:
    """pyqtgraph's mirror packages, if each is the empty module this loader stands in for."""
    spec = importlib.util.find_spec("pyqtgraph")
    if spec is None or spec.origin is None:
        return None
    folders = {name: Path(spec.origin).parent / "Qt" / name for name in _MIRRORED}
    for folder in folders.values():
        init = folder / "__init__.py"
        if not init.is_file() or init.stat().st_size != 0:
            return None
    return folders


def _lazy_mirror(name: str, source: types.ModuleType, folder: Path) -> types.ModuleType:
    mirror = types.ModuleType(f"pyqtgraph.Qt.{name}")
    mirror.__file__ = str(folder / "__init__.py")
    mirror.__path__ = [str(folder)]
    mirror.__package__ = mirror.__name__

    def __getattr__(attribute: str):  # noqa: N807 - a module's own lookup (PEP 562)
        return getattr(source, attribute)

    mirror.__getattr__ = __getattr__
    return mirror


def _import_pyqtgraph() -> types.ModuleType:
    if "pyqtgraph" in sys.modules:
        return sys.modules["pyqtgraph"]
    folders = _mirror_folders()
    if folders is None:
        import pyqtgraph

        return pyqtgraph
    listings = {name: source.__dict__.get("__dir__") for name, source in _MIRRORED.items()}
    for name, source in _MIRRORED.items():
        sys.modules[f"pyqtgraph.Qt.{name}"] = _lazy_mirror(name, source, folders[name])
        source.__dir__ = list  # nothing to list, so nothing to copy
    try:
        import pyqtgraph
    except BaseException:
        for module in [m for m in sys.modules if m == "pyqtgraph" or m.startswith("pyqtgraph.")]:
            del sys.modules[module]
        raise
    finally:
        for name, source in _MIRRORED.items():
            if listings[name] is None:
                del source.__dir__
            else:
                source.__dir__ = listings[name]
    return pyqtgraph


pg = _import_pyqtgraph()

from pyqtgraph.exporters import ImageExporter  # noqa: E402 - after pyqtgraph, loaded above
from pyqtgraph.graphicsItems.LegendItem import ItemSample  # noqa: E402

__all__ = ["ImageExporter", "ItemSample", "pg"]
