"""The Strands & funding page: the grant and its yearly budgets, and every strand it funds.

The top shows the chosen funding stream's position per year (budget, allocated, remaining);
below, the strands with what each gets in the year chosen (the window's period, kept between
pages); the other years are in each strand's Allocations….
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.access import Right
from desktop_app.core.money import format_pence
from desktop_app.core.numbers import format_count
from desktop_app.core.periods import FinancialYear
from desktop_app.core.wording import format_date, plural
from desktop_app.services.changes import ALLOCATIONS, FUNDING, PROVIDERS, STRANDS, Changed
from desktop_app.services.funding import FundingStreamRow, budget_position, list_funding_streams
from desktop_app.services.strands import StrandRow, list_strands
from desktop_app.ui.access import needs
from desktop_app.ui.pages.page import Page, PageContext, year_of
from desktop_app.ui.pages.targets import Go
from desktop_app.ui.pages.strands.allocation_dialog import AllocationDialog
from desktop_app.ui.pages.strands.funding_form import FundingStreamForm
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.pages.strands.table import BUDGET_COLUMNS, lay_out_strand_table, strand_table_model
from desktop_app.ui.table_model import RecordTableModel
from desktop_app.ui.widgets.empty_state import EmptyState
from desktop_app.ui.widgets.page_header import PageHeader, search_box
from desktop_app.ui.widgets.record_table import RecordTable

HEADER_STATE_KEY = "strands/columns"  # not "strands/header": that held one column per year
SPLITTER_STATE_KEY = "strands/splitter"


def _strand_form():
    """The strand form's class, loaded when first opened: it brings the finance services, which
    a visit to the page does not need."""
    from desktop_app.ui.pages.strands.strand_form import StrandForm

    return StrandForm


class StrandsPage(Page):
    key = "strands"
    title = "Strands & funding"
    handles = frozenset({"period"})

    def __init__(self, context: PageContext, parent=None) -> None:
        super().__init__(context, parent)
        self.active_dialog = None
        self._streams: list[FundingStreamRow] = []
        self._years: tuple[int, ...] = ()
        self._year: int | None = None  # whose allocations the table shows
        self._strands: list[StrandRow] = []
        self._build()
        self._connect_signals()
        self.refresh()
        settings = context.settings
        if settings is not None and settings.value(SPLITTER_STATE_KEY) is not None:
            self.splitter.restoreState(settings.value(SPLITTER_STATE_KEY))

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)

        header = PageHeader(self.title, self)
        self.new_stream_button = header.add_button("New funding stream")
        self.new_strand_button = header.add_button("New strand", primary=True, tooltip="New strand (Ctrl+N)")
        layout.addLayout(header)

        self.stack = QStackedWidget(self)
        self.empty_state = EmptyState(
            "Set up the year",
            "Start with the grant you hold — for example the MoJ victims' services grant — with "
            "its total and its budget for each financial year. Then add providers and the strands "
            "of provision the grant pays for, and what each strand gets each year.",
            self,
        )
        mark_editing(
            self.new_stream_button,
            self.new_strand_button,
            self.empty_state.add_action("Add the funding stream", self._on_new_stream_clicked),
        )
        self.stack.addWidget(self.empty_state)

        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Vertical, body)
        self.splitter.setChildrenCollapsible(False)

        funding = QWidget(self.splitter)
        funding_layout = QVBoxLayout(funding)
        funding_layout.setContentsMargins(0, 0, 0, 8)
        stream_row = QHBoxLayout()
        stream_label = QLabel("Funding stream", funding)
        self.stream_combo = QComboBox(funding)
        self.stream_combo.setAccessibleName("Funding stream")
        self.stream_combo.setMinimumWidth(320)
        stream_label.setBuddy(self.stream_combo)
        self.stream_summary = QLabel(funding)
        self.stream_summary.setObjectName("pageSubtitle")
        self.edit_stream_button = QPushButton("Edit funding stream…", funding)
        stream_row.addWidget(stream_label)
        stream_row.addWidget(self.stream_combo)
        stream_row.addStretch(1)
        stream_row.addWidget(self.edit_stream_button)
        funding_layout.addLayout(stream_row)
        self.stream_summary.setWordWrap(True)
        funding_layout.addWidget(self.stream_summary)
        self.budget_model = RecordTableModel(BUDGET_COLUMNS, funding)
        self.budget_table = RecordTable(self.budget_model, "Budget by year", funding)
        self.budget_table.setSortingEnabled(False)
        self.budget_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.budget_table.horizontalHeader().setStretchLastSection(False)
        funding_layout.addWidget(self.budget_table, alignment=Qt.AlignmentFlag.AlignLeft)

        strands = QWidget(self.splitter)
        strands_layout = QVBoxLayout(strands)
        strands_layout.setContentsMargins(0, 8, 0, 0)
        tools = QHBoxLayout()
        self.count_label = QLabel(strands)
        self.count_label.setObjectName("pageSubtitle")
        self.search_edit = search_box(strands, "strands", "reference, provider, name, category or district")
        self.allocations_button = QPushButton("Allocations…", strands)
        needs(Right.EDIT_MONEY, self.new_stream_button, self.edit_stream_button, self.allocations_button)
        self.allocations_button.setToolTip("Edit what the selected strand gets each year")
        year_label = QLabel("Allocations in", strands)
        self.year_combo = QComboBox(strands)
        self.year_combo.setAccessibleName("Allocations in")
        self.year_combo.setMinimumWidth(100)
        year_label.setBuddy(self.year_combo)
        tools.addWidget(self.search_edit, 1)
        tools.addWidget(self.count_label)
        tools.addSpacing(12)
        tools.addWidget(year_label)
        tools.addWidget(self.year_combo)
        tools.addWidget(self.allocations_button)
        strands_layout.addLayout(tools)
        self.table = RecordTable(strand_table_model(None, strands), "Strands", strands)
        lay_out_strand_table(self.table)
        strands_layout.addWidget(self.table, 1)
        self.splitter.addWidget(funding)
        self.splitter.addWidget(strands)
        self.splitter.setStretchFactor(1, 1)
        body_layout.addWidget(self.splitter)
        self.stack.addWidget(body)
        self.body = body
        layout.addWidget(self.stack, 1)

    def _connect_signals(self) -> None:
        self.new_stream_button.clicked.connect(self._on_new_stream_clicked)
        self.new_strand_button.clicked.connect(self.new_record)
        self.edit_stream_button.clicked.connect(self._on_edit_stream_clicked)
        self.stream_combo.currentIndexChanged.connect(self._on_stream_combo_current_index_changed)
        self.year_combo.currentIndexChanged.connect(self._on_year_combo_current_index_changed)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.allocations_button.clicked.connect(self._on_allocations_clicked)
        self.table.record_activated.connect(self._on_table_record_activated)

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        db = self.workspace.db
        self._streams = list_funding_streams(db)
        chosen = self.stream_combo.currentData()
        self.stream_combo.blockSignals(True)
        self.stream_combo.clear()
        for stream in self._streams:
            self.stream_combo.addItem(stream.name, stream.id)
        index = self.stream_combo.findData(chosen)
        self.stream_combo.setCurrentIndex(index if index >= 0 else 0)
        self.stream_combo.blockSignals(False)
        self._refresh_budget()

        strands = list_strands(db)
        years = tuple(sorted({y for s in self._streams for y, _ in s.draft.budgets} | {y for r in strands for y in r.allocations}))
        current = self.table.current_record()
        if years != self._years:
            self._years = years
            self.year_combo.blockSignals(True)
            self.year_combo.clear()
            for year in years:
                self.year_combo.addItem(FinancialYear(year).label, year)
            self.year_combo.blockSignals(False)
        year = self._year if self._year in years else self._opening_year(years)
        self._strands = strands
        self._show_year(year)
        if current is not None:
            self.table.select_where(lambda r: r.id == current.id)
        self._update_count()
        self.new_strand_button.setEnabled(bool(self._streams))
        self.stack.setCurrentWidget(self.body if self._streams or strands else self.empty_state)

    def _refresh_budget(self) -> None:
        stream = self.current_stream()
        if stream is None:
            self.budget_model.set_rows([])
            self.stream_summary.setText("")
            return
        positions = budget_position(self.workspace.db, stream.id)
        self.budget_model.set_rows(positions)
        header = self.budget_table.horizontalHeader()
        for column, width in enumerate((130, 150, 150, 170)):
            header.resizeSection(column, width)
        self.budget_table.setFixedWidth(sum((130, 150, 150, 170)) + 4)
        self.budget_table.fit_height_to_rows()
        budgeted = sum(p.budget_pence for p in positions)
        allocated = sum(p.allocated_pence for p in positions)
        remaining = budgeted - allocated
        self.stream_summary.setText(
            f"{stream.funder}, {format_date(stream.start_date)} to {format_date(stream.end_date)}. "
            f"Total {format_pence(stream.total_pence, show_pence=False)}; "
            f"{format_pence(budgeted, show_pence=False)} budgeted by year, "
            f"{format_pence(allocated, show_pence=False)} allocated, "
            + (
                f"{format_pence(remaining, show_pence=False)} remaining."
                if remaining >= 0
                else f"{format_pence(-remaining, show_pence=False)} over budget."
            )
        )

    def _opening_year(self, years: tuple[int, ...]) -> int | None:
        """The window's period if it has allocations here; else the year running now, or the
        last one before it."""
        followed = year_of(self.context.current_period)
        if followed is not None and followed.start_year in years:
            return followed.start_year
        today = FinancialYear.containing(dt.date.today()).start_year
        return today if today in years else max((y for y in years if y <= today), default=max(years, default=None))

    def _show_year(self, year: int | None) -> None:
        """The table with `year`'s allocations (the same rows, a new money column)."""
        if year != self._year or self.table.source_model.columnCount() == 0:
            self._year = year
            self.table.source_model = strand_table_model(year, self.table)
            self.table.proxy.setSourceModel(self.table.source_model)
            lay_out_strand_table(self.table)
            self.table.restore_state(self.context.settings, HEADER_STATE_KEY)
        self.table.source_model.set_rows(self._strands)
        self.year_combo.blockSignals(True)
        self.year_combo.setCurrentIndex(self.year_combo.findData(year))
        self.year_combo.blockSignals(False)

    def shown_year(self) -> FinancialYear | None:
        """The year whose allocations the table shows."""
        return FinancialYear(self._year) if self._year is not None else None

    def current_stream(self) -> FundingStreamRow | None:
        stream_id = self.stream_combo.currentData()
        return next((s for s in self._streams if s.id == stream_id), None)

    def _update_count(self) -> None:
        shown, total = self.table.proxy.rowCount(), self.table.source_model.rowCount()
        self.count_label.setText(
            plural(total, "strand") if shown == total else f"{format_count(shown)} of {plural(total, 'strand')}"
        )

    # ------------------------------------------------------------------ Page

    def new_record(self) -> bool:
        if not self._streams:
            self._on_new_stream_clicked()
        else:
            self.open_dialog(_strand_form()(self.workspace, None, self))
        return True

    def focus_search(self) -> bool:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
        return True

    def follow_period(self, period: object) -> None:
        year = year_of(period)
        if year is not None and year.start_year in self._years and year.start_year != self._year:
            self._show_year(year.start_year)

    def show_target(self, go: Go) -> None:
        if go.period is not None:
            self.follow_period(go.period)

    def on_data_changed(self, changed: Changed) -> None:
        if changed.touches(STRANDS, FUNDING, ALLOCATIONS, PROVIDERS):
            self.refresh()

    def save_state(self) -> None:
        self.table.save_state(self.context.settings, HEADER_STATE_KEY)
        if self.context.settings is not None:
            self.context.settings.setValue(SPLITTER_STATE_KEY, self.splitter.saveState())

    # ------------------------------------------------------------------ dialogs

    def _on_new_stream_clicked(self) -> None:
        self.open_dialog(FundingStreamForm(self.workspace, None, self))

    def _on_edit_stream_clicked(self) -> None:
        stream = self.current_stream()
        if stream is not None:
            self.open_dialog(FundingStreamForm(self.workspace, stream, self))

    def _on_allocations_clicked(self) -> None:
        strand = self.table.current_record()
        if strand is None:
            self.count_label.setText("Select a strand first")
            return
        self.open_dialog(AllocationDialog(self.workspace, strand, self))

    def _on_table_record_activated(self, strand: StrandRow) -> None:
        self.open_dialog(_strand_form()(self.workspace, strand, self))

    def _on_stream_combo_current_index_changed(self, _index: int) -> None:
        self._refresh_budget()

    def _on_year_combo_current_index_changed(self, _index: int) -> None:
        year = self.year_combo.currentData()
        if year is not None:
            self.context.choose_period(FinancialYear(year))
            self._show_year(year)
            self.table.proxy.set_search_text(self.search_edit.text())
            self._update_count()

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.table.proxy.set_search_text(text)
        self._update_count()
