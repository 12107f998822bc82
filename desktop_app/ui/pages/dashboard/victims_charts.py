"""Who was supported, when and by whom: victims per quarter by service, and the top providers."""

from __future__ import annotations


from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QWidget

from desktop_app.core.numbers import format_count
from desktop_app.core.suppression import suppress_count
from desktop_app.core.periods import FinancialYear
from desktop_app.services.dashboard.charts import OTHER_SERVICES, ProviderBar, QuarterlyVictims
from desktop_app.ui.charting import pg
from desktop_app.ui.pages.dashboard.chart_base import BarChart, Hit
from desktop_app.ui.pages.dashboard.targets import ProviderTarget, QuarterTarget
from desktop_app.ui.pages.dashboard.chart_parts import (
    BLUE,
    GREY,
    PALETTE,
    TEXT,
    CountAxis,
    NameAxis,
    point_font,
)

BAR_WIDTH = 0.62
# The service categories' pool of stacked bars: the service sends at most eight series.
MOST_SERIES = len(PALETTE) + 1


def legend_name(name: str) -> str:
    """A service category as a legend has room for: its abbreviation if it has one (IDVA)."""
    if name.endswith(")") and "(" in name:
        inner = name[name.rindex("(") + 1 : -1]
        if inner.isupper() and len(inner) <= 8:
            return inner
    return name


def _value_label(widget: QWidget) -> pg.TextItem:
    label = pg.TextItem("", color=TEXT, anchor=(0.5, 1.0))
    label.setFont(point_font(widget, 8.5))
    label.setVisible(False)
    return label


class QuarterlyVictimsChart(BarChart):
    """Victims supported in each quarter, stacked by service category, totals on top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Victims supported per quarter",
            parent,
            left=CountAxis("left"),
            bottom=NameAxis("bottom"),
            legend=True,
        )
        self.series: QuarterlyVictims | None = None
        self._totals: tuple[int, ...] = ()
        self._set_axis_titles("Victims supported", "Quarter")

    def publish_labels(self, published: bool) -> None:
        for label, total in zip(self.total_labels, self._totals):
            if not total:
                # An empty quarter says why rather than looking like a quarter with no victims.
                label.setText("none verified\nyet")
            elif published:
                label.setText(suppress_count(total, self.small_number_threshold).text)
            else:
                label.setText(format_count(total))

    def _make_items(self) -> None:
        self.bars: list[pg.BarGraphItem] = []
        for colour in (*PALETTE, GREY):
            bar = pg.BarGraphItem(
                x=[], height=[], width=BAR_WIDTH, brush=pg.mkBrush(colour), pen=pg.mkPen("w", width=1)
            )
            bar.setVisible(False)
            self.plot.addItem(bar)
            self.bars.append(bar)
        self.total_labels = [_value_label(self) for _ in range(4)]
        for label in self.total_labels:
            self.plot.addItem(label, ignoreBounds=True)

    def set_series(self, victims: QuarterlyVictims) -> None:
        """Draw `victims` (biggest category at the bottom), feeding the bars made at the start."""
        self.series = victims
        xs = list(range(4))
        base = [0] * 4
        entries = []
        for index, bar in enumerate(self.bars):
            if index >= len(victims.categories):
                bar.setOpts(x=xs, height=[0] * 4, y0=list(base))
                bar.setVisible(False)
                continue
            category = victims.categories[index]
            colour = GREY if category.name == OTHER_SERVICES else PALETTE[index % len(PALETTE)]
            bar.setOpts(x=xs, height=list(category.values), y0=list(base), brush=pg.mkBrush(colour))
            bar.setVisible(True)
            base = [b + v for b, v in zip(base, category.values)]
            entries.append((bar, legend_name(category.name)))
        self._set_legend(entries[::-1])  # read top down, as the stack is
        self.plot.getAxis("bottom").set_names(
            list(victims.quarter_labels), [label.split()[0] for label in victims.quarter_labels]
        )
        top = max(victims.totals, default=0)
        self._totals = tuple(victims.totals)
        for x, (label, total) in enumerate(zip(self.total_labels, victims.totals)):
            label.setPos(x, total + top * 0.015)
            label.setVisible(True)
        self.publish_labels(False)
        self.plot.setXRange(-0.6, 3.6, padding=0)
        self._set_value_range(top, 0.12)
        self.caption = f"{victims.year.label} · verified and locked returns · {format_count(victims.total)} in all"
        self.show_chart(
            victims.total > 0,
            f"No verified or locked returns for {victims.year.label} yet: the chart fills in as "
            "returns are verified.",
        )

    def bar_heights(self) -> list[tuple[str, tuple[float, ...]]]:
        """(legend name, Q1..Q4 heights) of every shown series, bottom first: what is drawn."""
        shown = [bar for bar in self.bars if bar.isVisible()]
        return [
            (name, tuple(float(h) for h in bar.opts["height"]))
            for bar, name in zip(shown, self.legend_names()[::-1])
        ]

    def hit(self, point: QPointF) -> Hit | None:
        victims = self.series
        quarter = round(point.x())
        if victims is None or not 0 <= quarter < 4 or abs(point.x() - quarter) > BAR_WIDTH / 2:
            return None
        total = victims.totals[quarter]
        label = victims.quarter_labels[quarter]
        running = 0
        for category in victims.categories:
            value = category.values[quarter]
            if running <= point.y() < running + value:
                share = f" ({value / total:.0%} of the quarter)" if total else ""
                key = "" if category.name == OTHER_SERVICES else category.key
                return Hit(
                    f"{label}: {category.name}\n{format_count(value)} victims supported{share}\n"
                    f"Quarter total {format_count(total)} — click to open these returns",
                    QuarterTarget(victims.year, quarter + 1, key, category.name),
                )
            running += value
        return None


class TopProvidersChart(BarChart):
    """The providers that supported most victims, as horizontal bars named on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Top providers",
            parent,
            left=NameAxis("left", most_px=236),
            bottom=CountAxis("bottom"),
        )
        self.providers: tuple[ProviderBar, ...] = ()
        self.plot.vb.invertY(True)  # the biggest at the top, as a ranking reads
        self._set_axis_titles("", "Victims supported")
        self.plot.getAxis("left").setStyle(tickLength=0)

    def _make_items(self) -> None:
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.66, brush=pg.mkBrush(BLUE), pen=pg.mkPen(None))
        self.plot.addItem(self.bars)
        self.value_labels = []
        for _ in range(12):
            label = _value_label(self)
            label.setAnchor((0.0, 0.5))
            self.plot.addItem(label, ignoreBounds=True)
            self.value_labels.append(label)

    def publish_labels(self, published: bool) -> None:
        for index, label in enumerate(self.value_labels):
            if index < len(self.providers):
                value = self.providers[index].victims
                shown = suppress_count(value, self.small_number_threshold).text if published else format_count(value)
                label.setText(shown)

    def set_series(self, providers: tuple[ProviderBar, ...], year: FinancialYear) -> None:
        """Draw the ranked providers (Other providers, if any, in grey at the bottom)."""
        self.providers = tuple(providers)
        values = [p.victims for p in providers]
        self.bars.setOpts(
            x0=[0] * len(values),
            y=list(range(len(values))),
            width=values,
            brushes=[pg.mkBrush(GREY if p.provider_id is None else BLUE) for p in providers],
        )
        names = [p.name if p.provider_id is not None else f"{p.name} ({p.providers})" for p in providers]
        self.plot.getAxis("left").set_names(names)
        top = max(values, default=0)
        for index, label in enumerate(self.value_labels):
            if index < len(values):
                label.setText(format_count(values[index]))
                label.setPos(values[index] + top * 0.01, index)
            label.setVisible(index < len(values))
        # Room on the right for the figure at the end of the longest bar.
        self._set_value_range(top, 0.22, horizontal=True)
        self.plot.setYRange(-0.6, max(len(values), 1) - 0.4, padding=0)
        total = sum(values)
        self.caption = f"{year.label} · verified and locked returns · {format_count(total)} victims in all"
        self.show_chart(
            total > 0,
            f"No provider has verified or locked returns for {year.label} yet.",
        )

    def bar_values(self) -> list[tuple[str, float]]:
        """(provider, bar length) from the top of the chart down: what is drawn."""
        return [(p.name, float(w)) for p, w in zip(self.providers, self.bars.opts["width"])]

    def axis_names(self) -> list[str]:
        return list(self.plot.getAxis("left").shown_names)

    def hit(self, point: QPointF) -> Hit | None:
        index = round(point.y())
        if not 0 <= index < len(self.providers) or abs(point.y() - index) > 0.4:
            return None
        provider = self.providers[index]
        total = sum(p.victims for p in self.providers)
        share = f" ({provider.victims / total:.0%} of all)" if total else ""
        if provider.provider_id is None:
            return Hit(
                f"{provider.providers} other providers together\n"
                f"{format_count(provider.victims)} victims supported{share}",
                None,
            )
        return Hit(
            f"{provider.name}\n{format_count(provider.victims)} victims supported{share}\n"
            "Click to open the provider",
            ProviderTarget(provider.provider_id, provider.name),
        )
