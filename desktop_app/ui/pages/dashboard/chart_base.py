"""What every dashboard chart shares: a titled card, a white plot, a legend, hover and export.

Only the chart modules import pyqtgraph (through `ui.charting`), so the library loads just after
the dashboard's first paint. A chart makes its plot items once; `set_series` feeds them new data with
`setOpts` (pyqtgraph's `setData` for bars), so a refresh never rebuilds a widget.

Hovering a bar shows its exact figures in a label on the plot; clicking it emits `bar_clicked`
with what the bar stands for. "Save as PNG…" writes the chart at twice its on-screen width
with its title above, ready for a Police and Crime Panel report; "Copy image" puts the same
picture on the clipboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter
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

from desktop_app.core.suppression import DEFAULT_THRESHOLD
from desktop_app.ui.charting import ImageExporter, pg
from desktop_app.ui.pages.dashboard.chart_parts import (
    AXIS,
    MUTED,
    TEXT,
    CountAxis,
    SwatchSample,
    point_font,
    wrapped,
)
from desktop_app.ui.save_folders import remember_folder, start_folder

PICTURE_FILTER = "PNG picture (*.png)"
CHART_FOLDER_KEY = "dashboard/chartFolder"


@dataclass(frozen=True)
class Hit:
    """What lies under the mouse: the words a hover shows, and where a click leads (or None)."""

    text: str
    target: object | None


class BarChart(QFrame):
    """A titled chart card. Subclasses make their items in `_make_items` and implement
    `set_series` (feeding those items) and `hit` (what a point of the plot falls on)."""

    bar_clicked = Signal(object)
    # Counts below this are published as words in saved pictures; the page sets it from the settings.
    small_number_threshold = DEFAULT_THRESHOLD
    settings = None  # QSettings the page hands on, for the folder "Save PNG…" starts in

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
        # No context menus (the charts do not zoom or pan): made without them, not made and hidden.
        self.plot: pg.PlotItem = self.view.addPlot(
            row=0, col=0, axisItems={"left": left, "bottom": bottom}, enableMenu=False
        )
        self.plot.setMouseEnabled(x=False, y=False)
        # Each chart sets both ranges itself (`set_series`): without this, every item added
        # recomputes the range and redraws both axes' labels.
        self.plot.vb.disableAutoRange()
        self.plot.hideButtons()
        self.plot.vb.setDefaultPadding(0)
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
        # A label floating over the view, not a plot item: it may cross the plot's edges, and a
        # saved picture never shows it.
        self.hover_label = QLabel(self.view)
        self.hover_label.setObjectName("chartHover")
        self.hover_label.setAccessibleName(f"{self.title}: figures under the pointer")
        self.hover_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hover_label.setFont(point_font(self, 9))
        self.hover_label.hide()
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
            f" #chartTitle {{ color: {TEXT}; }}"
            " QPushButton#chartButton { padding: 2px 8px; }"
            f" #chartHover {{ background: rgba(255, 255, 255, 240); border: 1px solid {AXIS}; padding: 4px 6px; }}"
        )

    def _make_items(self) -> None:
        """Create the plot items (once)."""

    def _connect_signals(self) -> None:
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.view.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.view.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self.view.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.view and event.type() == QEvent.Type.Leave:
            self.hover_label.hide()  # the scene reports moves inside it, never the way out
        return super().eventFilter(watched, event)

    def _set_axis_titles(self, left: str, bottom: str) -> None:
        self.plot.setLabel("left", left, color=MUTED)
        self.plot.setLabel("bottom", bottom, color=MUTED)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).label.setFont(point_font(self, 9))

    def _set_value_range(self, top: float, headroom: float, *, horizontal: bool = False) -> None:
        """Values from 0 to `top` with `headroom` (a share of it) above for the figures.

        The range starts a hair below 0: exactly at 0, rounding can put the 0 tick just outside
        the axis, and pyqtgraph then drops its label. (No grid lines for the same reason: with
        a grid, pyqtgraph drops the labels at the ends of an axis.)"""
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
        self.hover_label.hide()
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
        return "" if self.hover_label.isHidden() else self.hover_label.text()

    def _hit_at_scene(self, scene_pos: QPointF) -> Hit | None:
        if not self.has_chart() or not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return None
        return self.hit(self.plot.vb.mapSceneToView(scene_pos))

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        found = self._hit_at_scene(scene_pos)
        if found is None:
            self.hover_label.hide()
            self.view.unsetCursor()
            return
        self.hover_label.setText(found.text)
        self.hover_label.adjustSize()
        # Beside the pointer like a tooltip, flipped left or up where it would leave the chart.
        pointer = self.view.mapFromScene(scene_pos)
        size, room = self.hover_label.size(), self.view.size()
        x = pointer.x() + 14
        if x + size.width() > room.width() - 2:
            x = pointer.x() - 14 - size.width()
        y = pointer.y() + 14
        if y + size.height() > room.height() - 2:
            y = pointer.y() - 14 - size.height()
        self.hover_label.move(max(2, x), max(2, y))
        self.hover_label.show()
        self.hover_label.raise_()
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

    def publish_labels(self, published: bool) -> None:
        """Charts that print counts on their bars show a small one as "fewer than 5" while a
        picture is taken (a saved picture is published) and exactly again afterwards."""

    def picture(self) -> QImage:
        """The chart at twice its on-screen size, under a band with its title and caption."""
        self.publish_labels(True)
        try:
            exporter = ImageExporter(self.view.scene())
            exporter.parameters()["width"] = self.export_width()
            chart = exporter.export(toBytes=True)
        finally:
            self.publish_labels(False)
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
        folder = start_folder(self.settings, CHART_FOLDER_KEY)
        path, _ = QFileDialog.getSaveFileName(
            self, "Save chart as PNG", str(folder / self.suggested_file_name()), PICTURE_FILTER
        )
        if not path:
            return
        remember_folder(self.settings, CHART_FOLDER_KEY, Path(path).parent)
        if not path.lower().endswith(".png"):
            path += ".png"
        try:
            self.save_png(path)
        except OSError as error:
            QMessageBox.warning(self, "Chart not saved", str(error))

    def _on_copy_button_clicked(self) -> None:
        self.copy_image()
