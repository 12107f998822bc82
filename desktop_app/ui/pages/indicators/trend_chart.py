"""One indicator's trend: its readings over time against the baseline and the target.

Only the chart modules import pyqtgraph (through `ui.charting`), so the library loads when the
Indicators page is first shown, if the dashboard has not loaded it. The plot items are made once and fed new data with `setData` when the selection changes.
Points are coloured by status (and shaped by it, for readers who cannot tell the colours
apart); hovering near a point says its period, value and status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPolygon
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from desktop_app.core.indicator_status import Status
from desktop_app.core.suppression import DEFAULT_THRESHOLD
from desktop_app.core.vocabulary import IndicatorUnit
from desktop_app.services.indicators import IndicatorRow, ReadingRow
from desktop_app.ui.charting import ImageExporter, pg
from desktop_app.ui.pages.indicators.table import STATUS_COLOURS, UNIT_WORDS, point_colour


class ReadingAxis(pg.AxisItem):
    """Readings as the table prints them, 3,200 and 12.5, never pyqtgraph's 3200 or "x1e+04"."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        # As many decimals as the tick spacing needs: 0.5 apart shows 12.5, 500 apart shows 3,500.
        decimals = 0 if spacing >= 1 else min(3, len(f"{spacing:.3f}".rstrip("0").split(".")[1]))
        return [f"{v * scale:,.{decimals}f}" for v in values]

TEXT = "#1c2b39"
MUTED = "#5b6b7a"
LINE = "#8795a3"
BASELINE_COLOUR = "#3d4b59"
TARGET_COLOUR = "#00796b"
# Shapes say the status too: a circle improving, a square within tolerance, a triangle worsening.
STATUS_SYMBOLS = {Status.GREEN: "o", Status.AMBER: "s", Status.RED: "t"}
LEGEND = (
    (Status.GREEN, "Improving"),
    (Status.AMBER, "Within tolerance"),
    (Status.RED, "Worsening"),
)
_KEY_SYMBOLS = {Status.GREEN: "●", Status.AMBER: "■", Status.RED: "▼"}
HOVER_DISTANCE_PX = 24
# A line label's text anchor: its bottom-right corner on the line (text above it) or its top-right.
ABOVE_LINE = [(1, 1), (1, 1)]
BELOW_LINE = [(1, 0), (1, 0)]
# The share of the x axis kept clear to the right of the last reading for the line labels.
LABEL_MARGIN = 0.24


def _timestamp(day: dt.date) -> float:
    # Local midnight, as DateAxisItem shows local time.
    return dt.datetime(day.year, day.month, day.day).timestamp()


def _key_html() -> str:
    parts = [
        f'<span style="color:{point_colour(status)}">{_KEY_SYMBOLS[status]}</span>&nbsp;{words}'
        for status, words in LEGEND
    ]
    return f'<span style="color:{TEXT}">' + "&nbsp;&nbsp;&nbsp;&nbsp;".join(parts) + "</span>"


def _pixel_font(base: QFont, pixels: int, *, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(pixels, 1))
    font.setBold(bold)
    return font


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")  # InfLineLabel formats its text


class TrendChart(QWidget):
    """The chart, or a sentence saying there is nothing to draw yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Counts below this are left out of saved pictures; the page sets it from the settings.
        self.small_number_threshold = DEFAULT_THRESHOLD
        self.indicator: IndicatorRow | None = None
        self._readings: list[ReadingRow] = []
        self._xs: list[float] = []
        self.baseline_value: float | None = None
        self.target_value: float | None = None
        self._build()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyStateMessage")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName("Trend chart")
        self.empty_label.setStyleSheet("background: white; border: 1px solid #d5dce3; padding: 24px;")
        self.stack.addWidget(self.empty_label)

        self.plot = pg.PlotWidget(
            self, background="w",
            axisItems={"bottom": pg.DateAxisItem(orientation="bottom"), "left": ReadingAxis("left")},
        )
        self.plot.setAccessibleName("Trend chart")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        item = self.plot.getPlotItem()
        item.showGrid(x=False, y=True, alpha=0.15)
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(9)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setTickFont(tick_font)
            axis.setTextPen(pg.mkPen(TEXT))
            axis.setPen(pg.mkPen(LINE))
        item.getAxis("left").setWidth(64)
        item.setContentsMargins(6, 6, 14, 6)

        self.line = pg.PlotDataItem([], [], pen=pg.mkPen(LINE, width=2))
        self.points = pg.ScatterPlotItem([], [], size=10, pen=pg.mkPen("w", width=1))
        self.baseline_line = self._level_line(BASELINE_COLOUR, Qt.PenStyle.DashLine)
        self.target_line = self._level_line(TARGET_COLOUR, Qt.PenStyle.DashDotLine)
        self.hover_label = pg.TextItem("", color=TEXT, fill=pg.mkBrush(255, 255, 255, 235), border=pg.mkPen(LINE))
        self.hover_label.setZValue(100)
        self.hover_label.setVisible(False)
        for graphic in (self.line, self.points, self.baseline_line, self.target_line):
            item.addItem(graphic)
        item.addItem(self.hover_label, ignoreBounds=True)

        # The colour key is a line of text above the plot (read by screen readers, never over a point).
        self.key_label = QLabel(_key_html(), self)
        self.key_label.setAccessibleName("Colour key")
        self.key_label.setContentsMargins(64, 0, 0, 0)
        self.chart_area = QWidget(self)
        area = QVBoxLayout(self.chart_area)
        area.setContentsMargins(0, 0, 0, 0)
        area.setSpacing(0)
        area.addWidget(self.key_label)
        area.addWidget(self.plot, 1)
        self.key_label.setAutoFillBackground(True)
        self.key_label.setStyleSheet("background: white; padding: 6px 0 2px 0;")
        self.stack.addWidget(self.chart_area)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)

    def _level_line(self, colour: str, style: Qt.PenStyle) -> pg.InfiniteLine:
        # Labelled at the right end, in a margin kept clear of points (see `_fit_ranges`).
        line = pg.InfiniteLine(
            angle=0,
            movable=False,
            pen=pg.mkPen(colour, width=1.5, style=style),
            label="",
            labelOpts={"position": 0.995, "color": colour, "anchors": ABOVE_LINE},
        )
        line.label.setFont(self._label_font())
        line.setVisible(False)
        return line

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(9)
        font.setBold(True)
        return font

    # ------------------------------------------------------------------ data

    def set_series(self, indicator: IndicatorRow | None, readings: Sequence[ReadingRow]) -> None:
        """Show `indicator`'s readings (oldest first) with its baseline and target lines."""
        self.indicator = indicator
        self._readings = list(readings)
        self.baseline_value = indicator.baseline_value if indicator else None
        self.target_value = indicator.target_value if indicator else None
        self.hover_label.setVisible(False)
        if indicator is None:
            self._show_empty("Select an indicator to see its trend.")
            return
        if not self._readings:
            self._show_empty(f"No readings yet for {indicator.code} {indicator.title}. Add the first reading.")
            return
        self._xs = [_timestamp(r.period_start) for r in self._readings]
        values = [r.value for r in self._readings]
        self.line.setData(self._xs, values)
        self.points.setData(
            x=self._xs,
            y=values,
            brush=[pg.mkBrush(point_colour(r.status)) for r in self._readings],
            symbol=[STATUS_SYMBOLS.get(r.status, "d") for r in self._readings],
            data=list(range(len(self._readings))),
        )
        self._set_level(self.baseline_line, self.baseline_value, "Baseline", indicator.baseline_period)
        self._set_level(self.target_line, self.target_value, "Target", None)
        # Two labels never sit on each other: the lower line's label goes under its line.
        lower_target = self.target_value is not None and self.baseline_value is not None and (
            self.target_value < self.baseline_value
        )
        self.baseline_line.label.anchors = ABOVE_LINE if lower_target else BELOW_LINE
        self.target_line.label.anchors = BELOW_LINE if lower_target else ABOVE_LINE
        if self.target_value is None:
            self.baseline_line.label.anchors = ABOVE_LINE
        item = self.plot.getPlotItem()
        unit_words = UNIT_WORDS.get(indicator.unit, indicator.unit.label)
        item.setLabel("left", f"{unit_words} (%)" if indicator.unit.value == "percent" else unit_words, color=MUTED)
        frequency = "Quarter" if indicator.frequency.value == "quarterly" else "Month"
        item.setLabel("bottom", f"{frequency} (start of period)", color=MUTED)
        # The colour key only where points are judged (not for "monitor only" or no baseline).
        self.key_label.setVisible(self._has_key())
        self._fit_ranges(values)
        self.stack.setCurrentWidget(self.chart_area)

    def _set_level(self, line: pg.InfiniteLine, value: float | None, name: str, note: str | None) -> None:
        if value is None:
            line.setVisible(False)
            return
        text = f"{name} {self.indicator.formatted(value)}"
        if note and len(note) <= 24:
            text += f" ({note})"
        line.setVisible(True)
        line.setValue(value)
        line.label.setVisible(True)
        line.label.setFormat(_escaped(text))  # the label only takes its text while visible

    def _fit_ranges(self, values: list[float]) -> None:
        levels = [v for v in (self.baseline_value, self.target_value) if v is not None]
        low, high = min(values + levels), max(values + levels)
        span = (high - low) or max(abs(high), 1.0)
        # Room above and below the figures for the line labels.
        low, high = low - span * 0.16, high + span * 0.16
        if min(values + levels) >= 0:
            low = max(low, 0.0)  # no negative axis under figures that cannot be negative
        item = self.plot.getPlotItem()
        item.setYRange(low, high, padding=0)
        span_x = max(self._xs[-1] - self._xs[0], 90 * 86400)
        margin = max(span_x * 0.03, 20 * 86400)
        right = span_x * LABEL_MARGIN if (self.baseline_value is not None or self.target_value is not None) else margin
        item.setXRange(self._xs[0] - margin, self._xs[-1] + right, padding=0)

    def _show_empty(self, text: str) -> None:
        self._xs = []
        self.line.setData([], [])
        self.points.setData([], [])
        self.empty_label.setText(text)
        self.stack.setCurrentWidget(self.empty_label)

    # ------------------------------------------------------------------ what tests and exports read

    def has_chart(self) -> bool:
        return self.stack.currentWidget() is self.chart_area

    def empty_text(self) -> str:
        return self.empty_label.text() if not self.has_chart() else ""

    def reading_points(self) -> list[tuple[dt.date, float]]:
        """(period start, value) of every point drawn, oldest first."""
        return [(r.period_start, r.value) for r in self._readings] if self.has_chart() else []

    def point_colours(self) -> list[str]:
        """Each point's fill colour (`#rrggbb`), in the order of `reading_points()`."""
        return [spot.brush().color().name() for spot in self.points.points()]

    def baseline_label(self) -> str:
        return self.baseline_line.label.format if self.baseline_line.isVisible() else ""

    def target_label(self) -> str:
        return self.target_line.label.format if self.target_line.isVisible() else ""

    def hover_text(self) -> str:
        return self.hover_label.toPlainText() if self.hover_label.isVisible() else ""

    def export_width(self) -> int:
        """Saved pictures are twice the on-screen width, sharp enough for papers and slides."""
        return 2 * max(self.plot.width(), 1)

    def withheld_points(self) -> list[int]:
        """Positions of the points a saved picture leaves out: counts from 1 to threshold − 1,
        which could identify victims once published (0 and larger counts are drawn)."""
        if self.indicator is None or self.indicator.unit is not IndicatorUnit.COUNT or not self.has_chart():
            return []
        threshold = self.small_number_threshold
        return [i for i, r in enumerate(self._readings) if 0 < r.value < threshold]

    def save_png(self, path: Path | str) -> Path:
        """Write the chart at twice its on-screen width, titled with the indicator, to `path`.

        A saved picture is published, so small counts are left out of it (see `withheld_points`)
        and its title band says so; the chart on screen keeps every point.
        Raises OSError if the file cannot be written."""
        path = Path(path)
        self.hover_label.setVisible(False)
        withheld = set(self.withheld_points())
        if withheld:
            shown = [i for i in range(len(self._readings)) if i not in withheld]
            # NaN breaks the line where a point is withheld, rather than joining across it.
            self.line.setData(self._xs, [float("nan") if i in withheld else r.value
                                         for i, r in enumerate(self._readings)], connect="finite")
            self.points.setData(
                x=[self._xs[i] for i in shown],
                y=[self._readings[i].value for i in shown],
                brush=[pg.mkBrush(point_colour(self._readings[i].status)) for i in shown],
                symbol=[STATUS_SYMBOLS.get(self._readings[i].status, "d") for i in shown],
                data=shown,
            )
        try:
            exporter = ImageExporter(self.plot.getPlotItem())
            exporter.parameters()["width"] = self.export_width()
            chart = exporter.export(toBytes=True)
            picture = self._with_title(chart, suppressed=bool(withheld))
        finally:
            if withheld:
                self.set_series(self.indicator, self._readings)
        if not picture.save(str(path), "PNG"):
            raise OSError(f"The chart could not be written to {path}.")
        return path

    def _with_title(self, chart: QImage, *, suppressed: bool = False) -> QImage:
        """The chart under a band naming the indicator (and the colour key), to stand on its own."""
        if self.indicator is None:
            return chart
        scale = chart.width() / max(self.plot.width(), 1)
        px = lambda value: round(value * scale)  # noqa: E731 - sizes as on screen, scaled
        band = px(74 if self._has_key() else 52) + (px(18) if suppressed else 0)
        picture = QImage(chart.width(), chart.height() + band, QImage.Format.Format_ARGB32)
        picture.fill(QColor("white"))
        painter = QPainter(picture)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            left = px(12)
            painter.setPen(QColor(TEXT))
            painter.setFont(_pixel_font(self.font(), px(15), bold=True))
            painter.drawText(left, px(24), f"{self.indicator.code}  {self.indicator.title}")
            painter.setPen(QColor(MUTED))
            painter.setFont(_pixel_font(self.font(), px(11)))
            painter.drawText(left, px(44), f"{self.indicator.priority_heading} · {self.indicator.source}")
            key_line = 64
            if suppressed:
                painter.drawText(
                    left, px(62),
                    f"Small numbers: counts below {self.small_number_threshold} are not shown, to protect victims.",
                )
                key_line += 18
            if self._has_key():
                self._draw_key(painter, left, px(key_line), px)
            painter.drawImage(0, band, chart)
        finally:
            painter.end()
        return picture

    def _draw_key(self, painter: QPainter, x: int, baseline: int, px) -> None:
        font = _pixel_font(self.font(), px(11))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        size = px(9)
        for status, words in LEGEND:
            colour = QColor(point_colour(status))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            top = baseline - size
            shape = STATUS_SYMBOLS[status]
            if shape == "o":
                painter.drawEllipse(x, top, size, size)
            elif shape == "s":
                painter.drawRect(x, top, size, size)
            else:  # pyqtgraph's "t" points down
                painter.drawPolygon(QPolygon([QPoint(x, top), QPoint(x + size, top), QPoint(x + size // 2, top + size)]))
            painter.setPen(QColor(TEXT))
            painter.drawText(x + size + px(5), baseline, words)
            x += size + px(5) + metrics.horizontalAdvance(words) + px(18)

    # ------------------------------------------------------------------ hover

    def point_scene_position(self, index: int) -> QPointF:
        """Where reading `index` is drawn, in scene coordinates (what the mouse reports)."""
        reading = self._readings[index]
        return self.plot.getPlotItem().vb.mapViewToScene(QPointF(self._xs[index], reading.value))

    def _has_key(self) -> bool:
        return any(r.status in STATUS_COLOURS for r in self._readings)

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        nearest = self._nearest_point(scene_pos)
        if nearest is None:
            self.hover_label.setVisible(False)
            return
        reading = self._readings[nearest]
        text = f"{reading.label}: {self.indicator.formatted(reading.value)}"
        if reading.numerator is not None and reading.denominator is not None:
            text += f"  ({reading.numerator:,} of {reading.denominator:,})"
        if reading.status in STATUS_COLOURS or reading.status is Status.MONITOR:
            text += f"\n{reading.status_words}"
        self.hover_label.setText(text)
        view = self.plot.getPlotItem().vb
        # Keep the label inside the plot: to the left of points in the right half.
        x_range = view.viewRange()[0]
        right_half = self._xs[nearest] > (x_range[0] + x_range[1]) / 2
        self.hover_label.setAnchor((1.05, 1.1) if right_half else (-0.05, 1.1))
        self.hover_label.setPos(self._xs[nearest], reading.value)
        self.hover_label.setVisible(True)

    def _nearest_point(self, scene_pos: QPointF) -> int | None:
        if not self.has_chart() or not self._readings:
            return None
        view = self.plot.getPlotItem().vb
        best, best_distance = None, float(HOVER_DISTANCE_PX)
        for index in range(len(self._readings)):
            drawn = self.point_scene_position(index)
            distance = ((drawn.x() - scene_pos.x()) ** 2 + (drawn.y() - scene_pos.y()) ** 2) ** 0.5
            if distance <= best_distance:
                best, best_distance = index, distance
        if best is None or not view.sceneBoundingRect().contains(scene_pos):
            return None
        return best
