"""What every dashboard chart shares: a titled card, a white plot, a legend, hover and export.

Only the dashboard's chart modules import pyqtgraph, so the library loads when the dashboard is
first shown. A chart makes its plot items once; `set_series` feeds them new data with
`setOpts` (pyqtgraph's `setData` for bars), so a refresh never rebuilds a widget.

Hovering a bar shows its exact figures in a label on the plot; clicking it emits `bar_clicked`
with what the bar stands for. "Save as PNG…" writes the chart at twice its on-screen width
with its title above, ready for a Police and Crime Panel report; "Copy image" puts the same
picture on the clipboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.money import format_pence_short

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
PICTURE_FILTER = "PNG picture (*.png)"
HOVER_Z = 100


@dataclass(frozen=True)
class Hit:
    """What lies under the mouse: the words a hover shows, and where a click leads (or None)."""

    text: str
    target: object | None
    anchor: QPointF  # where, in view coordinates, the hover label points


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
        return [f"{int(round(v)):,}" if round(v) >= 0 else "" for v in values]


class MoneyAxis(pg.AxisItem):
    """Pence shown as short amounts: £0, £2.0m, £4.5m."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        return [format_pence_short(int(round(v))) if round(v) >= 0 else "" for v in values]


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


class BarChart(QFrame):
    """A titled chart card. Subclasses make their items in `_make_items` and implement
    `set_series` (feeding those items) and `hit` (what a point of the plot falls on)."""

    bar_clicked = Signal(object)

    def __init__(
        self,
        title: str,
        parent: QWidget | None = None,
        *,
        left: pg.AxisItem | None = None,
        bottom: pg.AxisItem | None = None,
        legend: bool = False,  # a legend to the right of the plot
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.caption = ""  # the year and basis, under the title of a saved picture
        self.setObjectName("dashboardChart")
        self.setAccessibleName(title)
        self._has_legend = legend
        self._legend_names: list[str] = []
        self._build(left or CountAxis("left"), bottom or pg.AxisItem("bottom"))
        self._make_items()
        self._connect_signals()

    # ------------------------------------------------------------------ building

    def _build(self, left: pg.AxisItem, bottom: pg.AxisItem) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        heading = QHBoxLayout()
        heading.setContentsMargins(12, 8, 8, 2)
        heading.setSpacing(6)
        self.title_label = QLabel(self.title, self)
        self.title_label.setObjectName("chartTitle")
        self.title_label.setFont(point_font(self, self.font().pointSizeF() + 1, bold=True))
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        heading.addWidget(self.title_label, 1)
        self.save_button = QPushButton("Save as PNG…", self)
        self.save_button.setToolTip(f"Save “{self.title}” as a picture at twice screen resolution")
        self.copy_button = QPushButton("Copy image", self)
        self.copy_button.setToolTip("Copy the chart to paste into a report")
        for button in (self.save_button, self.copy_button):
            button.setObjectName("chartButton")
            button.setAccessibleName(f"{button.text()} — {self.title}")
            heading.addWidget(button)
        column.addLayout(heading)

        self.stack = QStackedWidget(self)
        self.view = pg.GraphicsLayoutWidget(self)
        self.view.setBackground("w")
        self.view.setAccessibleName(self.title)
        self.view.ci.layout.setContentsMargins(4, 2, 10, 4)
        self.plot: pg.PlotItem = self.view.addPlot(row=0, col=0, axisItems={"left": left, "bottom": bottom})
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.vb.setDefaultPadding(0)
        self.plot.showGrid(x=False, y=True, alpha=0.12)
        tick_font = point_font(self, 9)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setTickFont(tick_font)
            axis.setTextPen(pg.mkPen(TEXT))
            axis.setPen(pg.mkPen(AXIS))
            # Labelled ticks only (less ink), and the 0 at the corner shown, not hidden as overflow.
            axis.setStyle(maxTickLevel=0, maxTextLevel=0, hideOverlappingLabels=False)
        self.legend: pg.LegendItem | None = None
        if self._has_legend:
            self.legend = pg.LegendItem(
                offset=None, sampleType=SwatchSample, labelTextColor=TEXT, labelTextSize="8.5pt",
                horSpacing=4, verSpacing=-4,
            )
            # Laid out beside the plot, it scales with it (a saved picture is twice the size);
            # pyqtgraph's floating legends keep one size whatever the zoom.
            self.legend.setFlag(self.legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
            self.view.addItem(self.legend, row=0, col=1)
            self.view.ci.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
        self.hover_label = pg.TextItem("", color=TEXT, fill=pg.mkBrush(255, 255, 255, 240), border=pg.mkPen(AXIS))
        self.hover_label.setZValue(HOVER_Z)
        self.hover_label.setVisible(False)
        self.plot.addItem(self.hover_label, ignoreBounds=True)
        self.stack.addWidget(self.view)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyStateMessage")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("background: white; padding: 24px;")
        self.stack.addWidget(self.empty_label)
        column.addWidget(self.stack, 1)
        self.setStyleSheet(
            "#dashboardChart { background: white; border: 1px solid #d5dce3; border-radius: 4px; }"
            " #chartTitle { color: %s; }"
            " QPushButton#chartButton { padding: 2px 8px; }" % TEXT
        )

    def _make_items(self) -> None:
        """Create the plot items (once)."""

    def _connect_signals(self) -> None:
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.view.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.view.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)

    def _set_axis_titles(self, left: str, bottom: str) -> None:
        self.plot.setLabel("left", left, color=MUTED)
        self.plot.setLabel("bottom", bottom, color=MUTED)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).label.setFont(point_font(self, 9))

    def _set_value_range(self, top: float, headroom: float, *, horizontal: bool = False) -> None:
        """Values from 0 to `top` with `headroom` (a share of it) above for the figures.

        The range starts a hair below 0: exactly at 0, rounding can leave the 0 tick just
        outside the axis and pyqtgraph then drops its label."""
        high = max(top * (1 + headroom), 1)
        low = -high * 0.004
        if horizontal:
            self.plot.setXRange(low, high, padding=0)
        else:
            self.plot.setYRange(low, high, padding=0)

    def _set_legend(self, entries: list[tuple[object, str]]) -> None:
        """Name the shown items in the legend (the entries are remade; the items are not)."""
        if self.legend is None:
            return
        self.legend.clear()
        self._legend_names = [name for _item, name in entries]
        for item, name in entries:
            self.legend.addItem(item, wrapped(name))
        # Its natural size, top right: stretched to the plot's height its rows would drift apart.
        self.legend.setFixedWidth(self.legend.width())
        self.legend.setFixedHeight(self.legend.height())

    # ------------------------------------------------------------------ showing

    def show_chart(self, has_data: bool, empty_text: str = "") -> None:
        """The plot when there is something to draw, otherwise a sentence saying why not."""
        self.hover_label.setVisible(False)
        self.empty_label.setText(empty_text)
        self.stack.setCurrentWidget(self.view if has_data else self.empty_label)
        for button in (self.save_button, self.copy_button):
            button.setEnabled(has_data)

    def has_chart(self) -> bool:
        return self.stack.currentWidget() is self.view

    def legend_names(self) -> list[str]:
        """The legend's entries in order, as plain text."""
        return list(self._legend_names)

    # ------------------------------------------------------------------ hover and click

    def hit(self, point: QPointF) -> Hit | None:
        """What the view point `point` falls on; None over empty plot."""
        return None

    def bar_scene_position(self, point: QPointF) -> QPointF:
        """Where a view point is on the scene (what the mouse reports): for tests and hover."""
        return self.plot.vb.mapViewToScene(point)

    def hover_text(self) -> str:
        return self.hover_label.toPlainText() if self.hover_label.isVisible() else ""

    def _hit_at_scene(self, scene_pos: QPointF) -> Hit | None:
        if not self.has_chart() or not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return None
        return self.hit(self.plot.vb.mapSceneToView(scene_pos))

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        found = self._hit_at_scene(scene_pos)
        if found is None:
            self.hover_label.setVisible(False)
            self.view.unsetCursor()
            return
        self.hover_label.setText(found.text)
        # Keep the label inside the plot: it opens away from the nearer edges.
        (x_low, x_high), (y_low, y_high) = self.plot.vb.viewRange()
        right = found.anchor.x() > (x_low + x_high) / 2
        inverted = self.plot.vb.state["yInverted"]
        high = (found.anchor.y() < (y_low + y_high) / 2) == inverted
        self.hover_label.setAnchor((1.0 if right else 0.0, 0.0 if high else 1.0))
        self.hover_label.setPos(found.anchor)
        self.hover_label.setVisible(True)
        if found.target is not None:
            self.view.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.view.unsetCursor()

    def _on_scene_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        found = self._hit_at_scene(event.scenePos())
        if found is not None and found.target is not None:
            self.bar_clicked.emit(found.target)

    # ------------------------------------------------------------------ pictures

    def export_width(self) -> int:
        """Saved pictures are twice the on-screen width, sharp in a printed report."""
        return 2 * max(self.view.width(), 1)

    def picture(self) -> QImage:
        """The chart at twice its on-screen size, under a band with its title and caption."""
        self.hover_label.setVisible(False)
        exporter = ImageExporter(self.view.scene())
        exporter.parameters()["width"] = self.export_width()
        chart = exporter.export(toBytes=True)
        scale = chart.width() / max(self.view.width(), 1)
        band = round((52 if self.caption else 34) * scale)
        picture = QImage(chart.width(), chart.height() + band, QImage.Format.Format_ARGB32)
        picture.fill(QColor("white"))
        painter = QPainter(picture)
        try:
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            left = round(12 * scale)
            title_font = QFont(self.font())
            title_font.setPixelSize(round(15 * scale))
            title_font.setBold(True)
            painter.setFont(title_font)
            painter.setPen(QColor(TEXT))
            painter.drawText(left, round(24 * scale), self.title)
            if self.caption:
                caption_font = QFont(self.font())
                caption_font.setPixelSize(round(11 * scale))
                painter.setFont(caption_font)
                painter.setPen(QColor(MUTED))
                painter.drawText(left, round(43 * scale), self.caption)
            painter.drawImage(0, band, chart)
        finally:
            painter.end()
        return picture

    def save_png(self, path: Path | str) -> Path:
        """Write the picture to `path`; raises OSError if it cannot be written."""
        path = Path(path)
        if not self.picture().save(str(path), "PNG"):
            raise OSError(f"The chart could not be written to {path}.")
        return path

    def copy_image(self) -> None:
        """Put the picture on the clipboard, to paste into a report."""
        QGuiApplication.clipboard().setImage(self.picture())

    def suggested_file_name(self) -> str:
        words = "".join(c if c.isalnum() else "-" for c in f"{self.title} {self.caption.split(' · ')[0]}".lower())
        return "-".join(part for part in words.split("-") if part) + ".png"

    def _on_save_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save chart as PNG", self.suggested_file_name(), PICTURE_FILTER)
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        try:
            self.save_png(path)
        except OSError as error:
            QMessageBox.warning(self, "Chart not saved", str(error))

    def _on_copy_button_clicked(self) -> None:
        self.copy_image()
