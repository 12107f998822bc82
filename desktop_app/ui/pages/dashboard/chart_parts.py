"""The dashboard charts' palette and parts: axes that read as officers write numbers, names on
an axis, and legend swatches. Only the chart modules import pyqtgraph (through `ui.charting`)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

from desktop_app.core.money import format_pence_short
from desktop_app.ui.charting import ItemSample, pg

# Okabe & Ito's palette: told apart by readers with any common colour-vision deficiency.
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#9AA5B1"
PALETTE = (BLUE, ORANGE, SKY_BLUE, GREEN, VERMILLION, PURPLE, YELLOW)

TEXT = "#1c2b39"
MUTED = "#5b6b7a"
AXIS = "#8795a3"


def wrapped(name: str, most: int = 26) -> str:
    """A legend entry broken over two lines at the space nearest its middle when it is long."""
    if len(name) <= most or " " not in name:
        return name
    middle = len(name) / 2
    split = min((i for i, c in enumerate(name) if c == " "), key=lambda i: abs(i - middle))
    return f"{name[:split]}<br>{name[split + 1:]}"


def point_font(widget: QWidget, points: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


class CountAxis(pg.AxisItem):
    """Counts with thousands separators (90,793), never pyqtgraph's "x1e+04"."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        return [f"{round(v):,}" if round(v) >= 0 else "" for v in values]


class MoneyAxis(pg.AxisItem):
    """Pence shown as short amounts: £0, £2.0m, £4.5m."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        return [format_pence_short(round(v)) if round(v) >= 0 else "" for v in values]


class NameAxis(pg.AxisItem):
    """Names at whole-number positions (quarters, years, providers), elided when too long.

    A bottom axis may also be given short names ("Q1" for "Q1 Apr–Jun"), used when the full
    names would run into each other at the chart's width."""

    def __init__(self, orientation: str, *, most_px: int = 220) -> None:
        super().__init__(orientation)
        self.most_px = most_px
        self.names: list[str] = []
        self.short_names: list[str] = []
        self.shown_names: list[str] = []

    def _metrics(self) -> QFontMetrics:
        return QFontMetrics(self.style["tickFont"] or QFont())

    def set_names(self, names: list[str], short_names: list[str] | None = None) -> None:
        """Put `names[i]` at position i; too long a name ends in "…" (the hover has it whole)."""
        self.names = list(names)
        self.short_names = list(short_names or names)
        self._choose()

    def _choose(self) -> None:
        metrics = self._metrics()
        names = self.names
        if self.orientation in ("top", "bottom") and self.short_names != self.names:
            span = (self.range[1] - self.range[0]) or 1
            room = self.width() / span  # pixels between neighbouring names
            widest = max((metrics.horizontalAdvance(n) for n in names), default=0)
            if widest + 12 > room:
                names = self.short_names
        shown = [metrics.elidedText(n, Qt.TextElideMode.ElideRight, self.most_px) for n in names]
        if shown == self.shown_names and self._tickLevels is not None:
            return
        self.shown_names = shown
        self.setTicks([list(enumerate(shown)), []])
        if self.orientation in ("left", "right"):
            widest = max((metrics.horizontalAdvance(n) for n in shown), default=40)
            self.setWidth(widest + 16)

    def setRange(self, mn: float, mx: float) -> None:  # noqa: N802 - pyqtgraph's name
        super().setRange(mn, mx)
        if getattr(self, "names", None):  # pyqtgraph calls this before __init__ has finished
            self._choose()

    def resizeEvent(self, ev=None) -> None:  # noqa: N802
        super().resizeEvent(ev)
        if getattr(self, "names", None):  # pyqtgraph calls this before __init__ has finished
            self._choose()


class SwatchSample(ItemSample):
    """A legend swatch: a square in the bar's colour. Clicking it hides nothing."""

    def paint(self, painter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pg.mkPen(AXIS, width=0.8))
        painter.setBrush(pg.mkBrush(self.item.opts["brush"]))
        painter.drawRect(QRectF(4, 4, 13, 13))

    def mouseClickEvent(self, event) -> None:  # noqa: N802
        event.accept()
