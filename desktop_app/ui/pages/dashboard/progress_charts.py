"""Against what money, and how far the returns have got: allocation per year and completeness."""

from __future__ import annotations


import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QWidget

from desktop_app.core.money import format_pence, format_pence_short
from desktop_app.core.numbers import format_count
from desktop_app.core.periods import FinancialYear
from desktop_app.services.dashboard import (
    COMPLETENESS_STATES,
    CompletenessQuarter,
    YearMoney,
)
from desktop_app.ui.pages.dashboard.chart_base import BarChart, Hit
from desktop_app.ui.pages.dashboard.targets import CompletenessTarget, YearTarget
from desktop_app.ui.pages.dashboard.chart_parts import (
    BLUE,
    GREEN,
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

# Each year's budget is a wide pale bar with what is allocated a narrower blue bar inside it,
# so a year's two amounts share one place and one label.
BUDGET_WIDTH = 0.7
ALLOCATED_WIDTH = 0.38
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


class AllocationChart(BarChart):
    """Each year's budget beside what the strands hold, for every year of the funding streams."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Allocated against budget",
            parent,
            left=MoneyAxis("left"),
            bottom=NameAxis("bottom"),
            legend=True,
        )
        self.years: tuple[YearMoney, ...] = ()
        self._set_axis_titles("Amount (£)", "Financial year")

    def _make_items(self) -> None:
        self.budget_bars = pg.BarGraphItem(
            x=[], height=[], width=BUDGET_WIDTH, brush=pg.mkBrush(BUDGET_COLOUR), pen=pg.mkPen("#8795a3", width=1)
        )
        self.allocated_bars = pg.BarGraphItem(
            x=[], height=[], width=ALLOCATED_WIDTH, brush=pg.mkBrush(BLUE), pen=pg.mkPen(None)
        )
        self.plot.addItem(self.budget_bars)
        self.plot.addItem(self.allocated_bars)
        self._set_legend([(self.budget_bars, "Budget"), (self.allocated_bars, "Allocated to strands")])
        self.value_labels = [_label(self) for _ in range(12)]
        for label in self.value_labels:
            self.plot.addItem(label, ignoreBounds=True)

    def set_series(self, years: tuple[YearMoney, ...]) -> None:
        """Draw each year's budget (pale, wide) with what is allocated (blue) inside it."""
        self.years = tuple(years)
        xs = list(range(len(years)))
        budgets = [y.budget_pence for y in years]
        allocated = [y.allocated_pence for y in years]
        self.budget_bars.setOpts(x=xs, height=budgets)
        self.allocated_bars.setOpts(x=xs, height=allocated)
        self.plot.getAxis("bottom").set_names([y.label for y in years])
        top = max(budgets + allocated, default=0)
        for index, label in enumerate(self.value_labels):
            shown = index < len(years) and len(years) <= 5  # past five years the figures crowd
            if shown:
                year = years[index]
                label.setText(
                    f"{format_pence_short(year.allocated_pence)} of\n{format_pence_short(year.budget_pence)}"
                    if year.budget_pence != year.allocated_pence
                    else format_pence_short(year.allocated_pence)
                )
                label.setPos(index, max(year.budget_pence, year.allocated_pence) + top * 0.015)
            label.setVisible(shown)
        self.plot.setXRange(-0.6, max(len(years), 1) - 0.4, padding=0)
        self._set_value_range(top, 0.14)
        total = sum(allocated)
        first, last = (years[0].label, years[-1].label) if years else ("", "")
        span = first if first == last else f"{first} to {last}"
        self.caption = f"{span} · {format_pence_short(total)} allocated of {format_pence_short(sum(budgets))} budgeted"
        self.show_chart(
            top > 0,
            "No funding stream has a budget yet. Set one up on the Strands & funding page.",
        )

    def bar_heights(self) -> dict[str, list[float]]:
        """Budget and allocated pence per year, as drawn."""
        return {
            "Budget": [float(h) for h in self.budget_bars.opts["height"]],
            "Allocated to strands": [float(h) for h in self.allocated_bars.opts["height"]],
        }

    def hit(self, point: QPointF) -> Hit | None:
        index = round(point.x())
        if not 0 <= index < len(self.years) or abs(point.x() - index) > BUDGET_WIDTH / 2:
            return None
        year = self.years[index]
        left = year.budget_pence - year.allocated_pence
        balance = (
            f"{format_pence(left, show_pence=False)} not yet allocated"
            if left >= 0
            else f"{format_pence(-left, show_pence=False)} over budget"
        )
        return Hit(
            f"{year.label}\nBudget {format_pence(year.budget_pence, show_pence=False)}\n"
            f"Allocated {format_pence(year.allocated_pence, show_pence=False)}\n{balance}\n"
            "Click to open the strands",
            YearTarget(FinancialYear(year.financial_year)),
        )


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
