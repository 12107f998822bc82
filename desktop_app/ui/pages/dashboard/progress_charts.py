"""Against what money, and how far the returns have got: allocation per year and completeness."""

from __future__ import annotations


from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QWidget

from desktop_app.core.money import format_pence, format_pence_short
from desktop_app.core.numbers import format_count
from desktop_app.core.periods import FinancialYear
from desktop_app.services.dashboard.charts import (
    COMPLETENESS_STATES,
    CompletenessQuarter,
    StreamMoney,
    YearMoney,
)
from desktop_app.ui.charting import pg
from desktop_app.ui.pages.dashboard.chart_base import BarChart, Hit
from desktop_app.ui.pages.dashboard.targets import CompletenessTarget, YearTarget
from desktop_app.ui.pages.dashboard.chart_parts import (
    BLUE,
    GREEN,
    ORANGE,
    PURPLE,
    SKY_BLUE,
    TEXT,
    VERMILLION,
    YELLOW,
    CountAxis,
    MoneyAxis,
    NameAxis,
    point_font,
)

# Each stream's year is a wide pale budget bar with what is allocated a narrower blue bar
# inside it and what is claimed a narrower orange bar inside that, so one stream's year shares
# one place and one label; a year's streams stand side by side.
YEAR_WIDTH = 0.8
BUDGET_SHARE, ALLOCATED_SHARE, CLAIMED_SHARE = 0.9, 0.55, 0.25
BUDGET_COLOUR = "#C9D1D9"
# Finished work in blues at the bottom of each stack, what is late in warm colours on top.
STATE_COLOURS = {
    "locked": BLUE,
    "verified": SKY_BLUE,
    "submitted": GREEN,
    "draft": YELLOW,
    "missing": PURPLE,
    "overdue": VERMILLION,
}
STACK_WIDTH = 0.62


def _label(widget: QWidget) -> pg.TextItem:
    label = pg.TextItem("", color=TEXT, anchor=(0.5, 1.0))
    label.setFont(point_font(widget, 8.5))
    label.setVisible(False)
    return label


def _slots(years: tuple[YearMoney, ...]) -> list[tuple[float, float, YearMoney, StreamMoney]]:
    """(centre, slot width, year, stream) for every stream of every year, left to right."""
    slots = []
    for index, year in enumerate(years):
        parts = year.streams or (StreamMoney("all", "All streams", year.budget_pence, year.allocated_pence, year.claimed_pence),)
        width = YEAR_WIDTH / len(parts)
        for number, part in enumerate(parts):
            slots.append((index - YEAR_WIDTH / 2 + width * (number + 0.5), width, year, part))
    return slots


class AllocationChart(BarChart):
    """Per year and funding stream: the budget, what the strands hold and what they have claimed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Allocated against budget",
            parent,
            left=MoneyAxis("left"),
            bottom=NameAxis("bottom"),
            legend=True,
        )
        self.years: tuple[YearMoney, ...] = ()
        self._slots: list = []
        self._set_axis_titles("Amount (£)", "Financial year and funding stream")

    def _make_items(self) -> None:
        self.budget_bars = pg.BarGraphItem(
            x=[], height=[], width=0.1, brush=pg.mkBrush(BUDGET_COLOUR), pen=pg.mkPen("#8795a3", width=1)
        )
        self.allocated_bars = pg.BarGraphItem(x=[], height=[], width=0.1, brush=pg.mkBrush(BLUE), pen=pg.mkPen(None))
        self.claimed_bars = pg.BarGraphItem(x=[], height=[], width=0.1, brush=pg.mkBrush(ORANGE), pen=pg.mkPen(None))
        for item in (self.budget_bars, self.allocated_bars, self.claimed_bars):
            self.plot.addItem(item)
        self._set_legend(
            [(self.budget_bars, "Budget"), (self.allocated_bars, "Allocated to strands"), (self.claimed_bars, "Claimed")]
        )
        self.value_labels = [_label(self) for _ in range(12)]
        for label in self.value_labels:
            self.plot.addItem(label, ignoreBounds=True)

    def set_series(self, years: tuple[YearMoney, ...]) -> None:
        """Draw each stream's year: budget (pale, wide), allocated (blue) and claimed (orange) inside it."""
        self.years = tuple(years)
        self._slots = _slots(self.years)
        xs = [centre for centre, _w, _y, _s in self._slots]
        widths = [w for _c, w, _y, _s in self._slots]
        budgets = [s.budget_pence for _c, _w, _y, s in self._slots]
        allocated = [s.allocated_pence for _c, _w, _y, s in self._slots]
        claimed = [s.claimed_pence for _c, _w, _y, s in self._slots]
        self.budget_bars.setOpts(x=xs, height=budgets, width=[w * BUDGET_SHARE for w in widths])
        self.allocated_bars.setOpts(x=xs, height=allocated, width=[w * ALLOCATED_SHARE for w in widths])
        self.claimed_bars.setOpts(x=xs, height=claimed, width=[w * CLAIMED_SHARE for w in widths])
        self.plot.getAxis("bottom").set_names([y.label for y in years])
        top = max(budgets + allocated + claimed, default=0)
        # Past twelve slots (six years of two streams) the names crowd.
        shown_slots = len(self._slots) <= len(self.value_labels)
        for index, label in enumerate(self.value_labels):
            shown = shown_slots and index < len(self._slots)
            if shown:
                centre, _width, _year, part = self._slots[index]
                label.setText(f"{part.short_name}\n{format_pence_short(part.budget_pence)}")
                label.setPos(centre, max(part.budget_pence, part.allocated_pence, part.claimed_pence) + top * 0.015)
            label.setVisible(shown)
        self.plot.setXRange(-0.6, max(len(years), 1) - 0.4, padding=0)
        self._set_value_range(top, 0.32)  # room for two-line labels over the tallest bar
        first, last = (years[0].label, years[-1].label) if years else ("", "")
        span = first if first == last else f"{first} to {last}"
        self.caption = (
            f"{span} · {format_pence_short(sum(allocated))} allocated of {format_pence_short(sum(budgets))} budgeted"
            f" · {format_pence_short(sum(claimed))} claimed"
        )
        self.show_chart(
            top > 0,
            "No funding stream has a budget yet. Set one up on the Strands & funding page.",
        )

    def bar_heights(self) -> dict[str, list[float]]:
        """Budget, allocated and claimed pence per year and stream (in `slot_names()` order), as drawn."""
        return {
            "Budget": [float(h) for h in self.budget_bars.opts["height"]],
            "Allocated to strands": [float(h) for h in self.allocated_bars.opts["height"]],
            "Claimed": [float(h) for h in self.claimed_bars.opts["height"]],
        }

    def slot_names(self) -> list[str]:
        """"2024/25 Core"-style names of the bars, left to right."""
        return [f"{year.label} {part.short_name}" for _c, _w, year, part in self._slots]

    def hit(self, point: QPointF) -> Hit | None:
        for centre, width, year, part in self._slots:
            if abs(point.x() - centre) <= width * BUDGET_SHARE / 2:
                left = part.budget_pence - part.allocated_pence
                balance = (
                    f"{format_pence(left, show_pence=False)} not yet allocated"
                    if left >= 0
                    else f"{format_pence(-left, show_pence=False)} over budget"
                )
                return Hit(
                    f"{year.label} · {part.name}\nBudget {format_pence(part.budget_pence, show_pence=False)}\n"
                    f"Allocated {format_pence(part.allocated_pence, show_pence=False)}\n"
                    f"Claimed {format_pence(part.claimed_pence, show_pence=False)}\n{balance}\n"
                    "Click to open the strands",
                    YearTarget(FinancialYear(year.financial_year)),
                )
        return None


class CompletenessChart(BarChart):
    """Each quarter's returns stacked by how far they have got, the state in words in the legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Returns by state, per quarter",
            parent,
            left=CountAxis("left"),
            bottom=NameAxis("bottom"),
            legend=True,
        )
        self.quarters: tuple[CompletenessQuarter, ...] = ()
        self.year: FinancialYear | None = None
        self._set_axis_titles("Returns", "Quarter")

    def _make_items(self) -> None:
        self.bars: dict[str, pg.BarGraphItem] = {}
        for state, _words in COMPLETENESS_STATES:
            bar = pg.BarGraphItem(
                x=[], height=[], width=STACK_WIDTH, brush=pg.mkBrush(STATE_COLOURS[state]), pen=pg.mkPen("w", width=1)
            )
            self.plot.addItem(bar)
            self.bars[state] = bar
        # Read top down, as the stack is.
        self._set_legend([(self.bars[state], words) for state, words in reversed(COMPLETENESS_STATES)])
        self.total_labels = [_label(self) for _ in range(4)]
        for label in self.total_labels:
            self.plot.addItem(label, ignoreBounds=True)

    def set_series(self, quarters: tuple[CompletenessQuarter, ...], year: FinancialYear) -> None:
        """Draw each quarter's stack: locked at the bottom, then verified ... overdue on top."""
        self.quarters = tuple(quarters)
        self.year = year
        xs = list(range(len(quarters)))
        base = [0] * len(quarters)
        for state, _words in COMPLETENESS_STATES:
            heights = [q.counts[state] for q in quarters]
            self.bars[state].setOpts(x=xs, height=heights, y0=list(base))
            base = [b + h for b, h in zip(base, heights)]
        self.plot.getAxis("bottom").set_names([q.label for q in quarters], [q.label.split()[0] for q in quarters])
        top = max(base, default=0)
        for x, label in enumerate(self.total_labels):
            shown = x < len(quarters) and quarters[x].expected > 0
            if shown:
                quarter = quarters[x]
                label.setText(f"{quarter.done / quarter.expected:.0%} done")
                label.setPos(x, quarter.expected + top * 0.015)
            label.setVisible(shown)
        self.plot.setXRange(-0.6, 3.6, padding=0)
        self._set_value_range(top, 0.14)
        done = sum(q.done for q in quarters)
        expected = sum(q.expected for q in quarters)
        self.caption = f"{year.label} · {format_count(done)} of {format_count(expected)} returns verified or locked"
        self.show_chart(
            expected > 0,
            f"No returns are expected for {year.label} yet: no strand runs in a quarter that has ended.",
        )

    def bar_heights(self) -> dict[str, list[float]]:
        """Each state's count per quarter, as drawn."""
        return {state: [float(h) for h in self.bars[state].opts["height"]] for state, _w in COMPLETENESS_STATES}

    def hit(self, point: QPointF) -> Hit | None:
        index = round(point.x())
        if self.year is None or not 0 <= index < len(self.quarters) or abs(point.x() - index) > STACK_WIDTH / 2:
            return None
        quarter = self.quarters[index]
        running = 0
        for state, words in COMPLETENESS_STATES:
            count = quarter.counts[state]
            if count and running <= point.y() < running + count:
                return Hit(
                    f"{quarter.label}: {words}\n{format_count(count)} of {format_count(quarter.expected)} returns\n"
                    "Click to open these returns",
                    CompletenessTarget(self.year, index + 1, state),
                )
            running += count
        return None
