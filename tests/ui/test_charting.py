"""The charts' pyqtgraph (`ui.charting`) is the whole library, and PySide6 is left as it was.

The loader makes pyqtgraph's Qt mirrors answer names lazily and hides PySide6's name lists
while pyqtgraph imports: a mirror that answered another class than PySide6's, or a PySide6
module left listing nothing, would break charts or any code that lists PySide6's names.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = r"""
import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets
modules = (PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets)
before = {m.__name__: set(dir(m)) for m in modules}
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_app.ui.charting import pg
import pyqtgraph.Qt as mirrors
assert {m.__name__: set(dir(m)) for m in modules} == before, "PySide6's names changed"
for name in ("QPointF", "QRectF", "Qt", "QObject", "Signal"):
    assert getattr(mirrors.QtCore, name) is getattr(PySide6.QtCore, name), name
for name in ("QGraphicsView", "QGraphicsObject", "QApplication"):
    assert getattr(mirrors.QtWidgets, name) is getattr(PySide6.QtWidgets, name), name
assert mirrors.QtGui.QColor is PySide6.QtGui.QColor
# A bar chart drawn with it has the bars' colour in it.
plot = pg.PlotWidget(background="w")
plot.addItem(pg.BarGraphItem(x=[1, 2, 3], height=[3, 5, 2], width=0.6, brush="#0072B2", pen=None))
plot.resize(300, 200); plot.show(); app.processEvents()
image = plot.grab().toImage()
blue = sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
           if image.pixelColor(x, y).name() == "#0072b2")
print(blue)
"""


def test_the_charts_pyqtgraph_draws_and_leaves_pyside6_as_it_was():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip().splitlines()[-1]) > 100  # the bars are on the picture


def test_pyqtgraph_imported_before_the_charts_is_the_one_they_use():
    script = (
        "import pyqtgraph, sys\n"
        "from desktop_app.ui.charting import pg\n"
        "assert pg is pyqtgraph\n"
        "assert type(sys.modules['pyqtgraph.Qt.QtCore']).__name__ == 'module'\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
