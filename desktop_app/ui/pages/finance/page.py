"""The Finance page: where the money stands, and the quarter's claims and payments.

Top: each funding stream and its ring-fenced lines — budget, allocated, claimed, paid, the
forecast outturn and the variance, with the flags in words (an underspend beyond the tolerance
shows by the half-year, so the funder can be told early). Below, three tabs: every strand with its
claims by quarter; the claims themselves, where the officer records, approves or queries a
claim and records its payment; and a quarter's claims as a grid, typed or pasted from Excel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.access import Right
from desktop_app.ui.access import needs
from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear, HalfYear
from desktop_app.core.wording import format_date, plural
from desktop_app.core.vocabulary import ClaimStatus
from desktop_app.services.changes import ALLOCATIONS, FINANCE, FUNDING, RETURNS, STRANDS, Changed
from desktop_app.services.errors import REFUSALS
from desktop_app.services.finance import (
    ClaimRow,
    decide_claim,
    expenditure_categories,
    finance_report,
    list_claims,
)
from desktop_app.services.funding import FundingStreamRow, list_funding_streams
from desktop_app.services.strands import list_strands
from desktop_app.ui.pages.finance.claim_form import ClaimForm
from desktop_app.ui.pages.finance.claims_grid import ClaimsGridTab
from desktop_app.ui.pages.finance.funding_dialogs import ExtendStreamDialog, FundingLineForm, StrandLineDialog
from desktop_app.ui.pages.finance.payment_dialog import PaymentDialog, QueryDialog
from desktop_app.ui.pages.finance.tables import CLAIM_COLUMNS, FUNDS_COLUMNS, funds_rows, strand_columns
from desktop_app.ui.pages.page import Page, PageContext, year_of
from desktop_app.ui.pages.targets import Go
from desktop_app.ui.table_model import RecordTableModel
from desktop_app.ui.widgets.message_line import message_line, show_message
from desktop_app.ui.widgets.page_header import PageHeader, search_box
from desktop_app.ui.widgets.record_table import RecordTable

WHOLE_YEAR, FIRST_HALF = "year", "H1"


class FinancePage(Page):
    key = "finance"
    handles = frozenset({"period"})
    title = "Finance"

    def __init__(self, context: PageContext, parent=None) -> None:
        super().__init__(context, parent)
        self.active_dialog = None
        self.report = None
        self._claims_stale = False  # the claims tab shows another year's (read when it is shown)
        self._build()
        self._connect_signals()
        self._fill_years()
        self.refresh()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        header = PageHeader(self.title, self)
        self.edit_button = header.add_button("Edit claim…")
        self.approve_button = header.add_button("Approve claim")
        self.query_button = header.add_button("Query claim…")
        self.payment_button = header.add_button("Record payment…")
        self.new_claim_button = header.add_button("New claim", primary=True, tooltip="New claim (Ctrl+N)")
        layout.addLayout(header)

        choices = QHBoxLayout()
        year_label = QLabel("Financial year", self)
        self.year_combo = QComboBox(self)
        self.year_combo.setAccessibleName("Financial year")
        year_label.setBuddy(self.year_combo)
        part_label = QLabel("Figures to", self)
        self.part_combo = QComboBox(self)
        self.part_combo.setAccessibleName("Figures to")
        part_label.setBuddy(self.part_combo)
        self.part_combo.addItem("End of the year", WHOLE_YEAR)
        self.part_combo.addItem("Half-year (H1, April–September)", FIRST_HALF)
        for widget in (year_label, self.year_combo, part_label, self.part_combo):
            choices.addWidget(widget)
        choices.addStretch(1)
        self.lines_button = QPushButton("Ring-fenced lines…", self)
        self.lines_button.setToolTip("Add or change the lines of the stream selected below, and their budgets")
        self.extend_button = QPushButton("Extend stream by a year…", self)
        self.extend_button.setToolTip("A grant addendum: add the next financial year to the selected stream, with its budget")
        choices.addWidget(self.lines_button)
        choices.addWidget(self.extend_button)
        layout.addLayout(choices)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("pageSubtitle")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        self.funds_model = RecordTableModel(FUNDS_COLUMNS, self)
        self.funds_table = RecordTable(self.funds_model, "Streams and lines", self)
        self.funds_table.setSortingEnabled(False)
        self.funds_table.proxy.sort(-1)  # each stream above its own lines, as the report lists them
        layout.addWidget(self.funds_table)

        self.tabs = QTabWidget(self)
        strands_tab = QWidget(self.tabs)
        strands_layout = QVBoxLayout(strands_tab)
        strands_layout.setContentsMargins(0, 6, 0, 0)
        strand_tools = QHBoxLayout()
        self.search_edit = search_box(strands_tab, "strands", "reference, name, line or flag")
        self.strand_line_button = QPushButton("Funded from…", strands_tab)
        needs(Right.EDIT_MONEY, self.lines_button, self.extend_button, self.strand_line_button, self.payment_button)
        needs(Right.EDIT_WORK, self.edit_button, self.approve_button, self.query_button, self.new_claim_button)
        self.strand_line_button.setToolTip("Choose which ring-fenced line of its stream pays for the selected strand")
        strand_tools.addWidget(self.search_edit, 1)
        strand_tools.addWidget(self.strand_line_button)
        strands_layout.addLayout(strand_tools)
        self.strands_table = RecordTable(RecordTableModel(strand_columns((1, 2, 3, 4)), strands_tab), "Strand finance", strands_tab)
        strands_layout.addWidget(self.strands_table, 1)
        self.tabs.addTab(strands_tab, "Strands")
        claims_tab = self.claims_tab = QWidget(self.tabs)
        claims_layout = QVBoxLayout(claims_tab)
        claims_layout.setContentsMargins(0, 6, 0, 0)
        self.claims_table = RecordTable(RecordTableModel(CLAIM_COLUMNS, claims_tab), "Claims", claims_tab)
        claims_layout.addWidget(self.claims_table, 1)
        self.tabs.addTab(claims_tab, "Claims")
        self.grid_tab = ClaimsGridTab(self.workspace, self.tabs)
        self.tabs.addTab(self.grid_tab, "Claims grid")
        layout.addWidget(self.tabs, 1)
        self.message = message_line(self)
        layout.addWidget(self.message)

    def _connect_signals(self) -> None:
        self.year_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.part_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.search_edit.textChanged.connect(self.strands_table.proxy.set_search_text)
        self.new_claim_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.approve_button.clicked.connect(self._on_approve_clicked)
        self.query_button.clicked.connect(self._on_query_clicked)
        self.payment_button.clicked.connect(self._on_payment_clicked)
        self.claims_table.record_activated.connect(self._on_claims_table_record_activated)
        self.claims_table.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.grid_tab.saved.connect(self.context.publish)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.lines_button.clicked.connect(self._on_lines_clicked)
        self.extend_button.clicked.connect(self._on_extend_clicked)
        self.strand_line_button.clicked.connect(self._on_strand_line_clicked)

    # ------------------------------------------------------------------ data

    def _fill_years(self) -> None:
        years = sorted({y for s in list_funding_streams(self.workspace.db) for y in s.years})
        self.year_combo.blockSignals(True)
        chosen = self.year_combo.currentData()
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(FinancialYear(year).label, year)
        followed = year_of(self.context.current_period)
        if chosen is None and followed is not None and followed.start_year in years:
            chosen = followed.start_year  # the window's period, kept between pages
        if chosen is None and years:
            # The year running now, or the last one the streams reach.
            today = FinancialYear.containing(dt.date.today()).start_year
            chosen = today if today in years else max((y for y in years if y <= today), default=years[-1])
        index = self.year_combo.findData(chosen)
        self.year_combo.setCurrentIndex(index if index >= 0 else self.year_combo.count() - 1)
        self.year_combo.blockSignals(False)

    def year(self) -> FinancialYear | None:
        value = self.year_combo.currentData()
        return FinancialYear(value) if value is not None else None

    def refresh(self) -> None:
        year = self.year()
        if year is None:
            self.report = None
            self._claims_stale = False
            for table in (self.funds_table, self.strands_table, self.claims_table):
                table.source_model.set_rows([])
            self.summary_label.setText("No funding stream yet: set one up on the Strands & funding page.")
            self._update_buttons()
            return
        half = HalfYear(year, 1) if self.part_combo.currentData() == FIRST_HALF else None
        db = self.workspace.db
        self.report = finance_report(db, year, half)
        self.funds_model.set_rows(funds_rows(self.report))
        self.funds_table.fit_columns(maximum=320)
        self.funds_table.fit_height_to_rows()
        self.strands_table.source_model.set_rows(list(self.report.strands))
        self.strands_table.fit_columns(maximum=230)
        # The claims are read when their tab is shown (or a claim is selected, for the buttons
        # above that act on it): opening the page reads only what is on screen.
        self._claims_stale = True
        if not self.claims_tab.isHidden() or self.claims_table.current_record() is not None:
            self._load_claims()
        self.summary_label.setText(self._summary())
        self.grid_tab.set_year(year)
        self._update_buttons()

    def _load_claims(self) -> None:
        self._claims_stale = False
        year = self.year()
        if year is None:
            return
        current = self.claims_table.current_record()
        claims = list_claims(self.workspace.db, year)
        if self.part_combo.currentData() == FIRST_HALF:
            claims = [c for c in claims if c.quarter.number <= 2]
        self.claims_table.source_model.set_rows(claims)
        self.claims_table.fit_columns(maximum=260)
        if current is not None:
            self.claims_table.select_where(lambda c: c.id == current.id)

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.claims_tab and self._claims_stale:
            self._load_claims()
            self._update_buttons()

    def _summary(self) -> str:
        report = self.report
        flagged = sum(1 for s in report.strands if "underspend" in s.flags)
        withheld = sum(1 for s in report.strands if "payment_withheld" in s.flags)
        claimed = sum(s.figures.claimed_pence for s in report.streams)
        paid = sum(s.figures.paid_pence for s in report.streams)
        words = [f"{report.label}: {format_pence(claimed, show_pence=False)} claimed, {format_pence(paid, show_pence=False)} paid."]
        if report.half is not None:
            words.append(f"The monitoring return is due {format_date(report.due_date)}.")
        words.append(
            f"{plural(flagged, 'strand')} forecast to underspend by more than {report.tolerance_pct}%"
            + (f"; {withheld} with payment withheld until the return is in." if withheld else ".")
        )
        return " ".join(words)

    def _update_buttons(self) -> None:
        claim = self.claims_table.current_record()
        self.edit_button.setEnabled(claim is not None)
        self.approve_button.setEnabled(claim is not None and claim.status is not ClaimStatus.APPROVED)
        self.query_button.setEnabled(claim is not None and claim.status is not ClaimStatus.QUERIED and not claim.payments)
        self.payment_button.setEnabled(claim is not None and claim.status is ClaimStatus.APPROVED and claim.unpaid_pence > 0)
        self.new_claim_button.setEnabled(self.year() is not None)

    # ------------------------------------------------------------------ Page

    def new_record(self) -> bool:
        year = self.year()
        if year is None:
            return False
        strands = [
            (s.id, f"{s.reference} — {s.name}")
            for s in list_strands(self.workspace.db)
            if s.start_date <= year.end and (s.end_date is None or s.end_date >= year.start)
        ]
        quarter = min(4, max(1, (dt.date.today() - year.start).days // 91 + 1))
        self.open_dialog(ClaimForm(self.workspace, year, strands, expenditure_categories(self.workspace.db), quarter=quarter, parent=self))
        return True

    def focus_search(self) -> bool:
        self.tabs.setCurrentIndex(0)
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def on_data_changed(self, changed: Changed) -> None:
        if changed.touches(FUNDING):
            self._fill_years()
        if changed.touches(FINANCE, FUNDING, ALLOCATIONS, STRANDS, RETURNS):
            self.refresh()

    def has_unsaved_changes(self) -> bool:
        return bool(self.grid_tab.model.edits)

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """Run `proceed` once unsaved claims in the grid are saved or discarded (asks first), or at once."""
        edited = len(self.grid_tab.model.edits)
        if not edited:
            proceed()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, "Unsaved claims",
            f"The claims grid has {plural(edited, 'strand')} changed and not saved yet.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText("Save them first, or discard them?")
        box.finished.connect(lambda _r: self._on_leave_answered(box, proceed))
        self.active_dialog = box
        box.open()

    def _on_leave_answered(self, box: QMessageBox, proceed: Callable[[], None]) -> None:
        self.active_dialog = None
        answer = box.standardButton(box.clickedButton())
        if answer == QMessageBox.StandardButton.Save and self.grid_tab.save():
            proceed()
        elif answer == QMessageBox.StandardButton.Discard:
            self.grid_tab.reload()
            proceed()

    def follow_period(self, period: object) -> None:
        # Unsaved claims keep their year: the officer switches with the box, which asks.
        year = year_of(period)
        if year is None or self.has_unsaved_changes():
            return
        index = self.year_combo.findData(year.start_year)
        if index >= 0:
            self.year_combo.setCurrentIndex(index)

    def show_target(self, go: Go) -> None:
        if go.period is not None:
            self.follow_period(go.period)

    # ------------------------------------------------------------------ dialogs and actions

    def _selected_claim(self) -> ClaimRow | None:
        claim = self.claims_table.current_record()
        if claim is None:
            self.tabs.setCurrentIndex(1)
            show_message(self.message, "Select a claim on the Claims tab first.")
        return claim

    def _on_edit_clicked(self) -> None:
        claim = self._selected_claim()
        if claim is not None:
            self._on_claims_table_record_activated(claim)

    def _on_claims_table_record_activated(self, claim: ClaimRow) -> None:
        year = self.year()
        strands = [(claim.strand_id, f"{claim.strand_ref} — {claim.strand_name}")]
        self.open_dialog(ClaimForm(self.workspace, year, strands, expenditure_categories(self.workspace.db), claim, parent=self))

    def _on_approve_clicked(self) -> None:
        claim = self._selected_claim()
        if claim is None:
            return
        try:
            # The claim as the officer sees it in the table: one changed since is not approved unseen.
            changed = decide_claim(self.workspace.db, claim.id, ClaimStatus.APPROVED, version=claim.version)
        except REFUSALS as error:
            show_message(self.message, f"The claim was not approved: {error}", problem=True)
            return
        note = f" Note: {claim.flags[0]}." if claim.withheld else ""
        show_message(self.message, f"Approved {claim.strand_ref} {claim.quarter.label}.{note}")
        self.context.publish(changed)

    def _on_query_clicked(self) -> None:
        claim = self._selected_claim()
        if claim is not None:
            self.open_dialog(QueryDialog(self.workspace, claim, self))

    def _on_payment_clicked(self) -> None:
        claim = self._selected_claim()
        if claim is not None:
            self.open_dialog(PaymentDialog(self.workspace, claim, self))

    def selected_stream(self) -> FundingStreamRow | None:
        """The stream selected in the top table (a line selects its stream), else the first."""
        streams = list_funding_streams(self.workspace.db)
        chosen = self.funds_table.current_record()
        wanted = chosen.stream_id if chosen is not None else (self.report.streams[0].id if self.report and self.report.streams else None)
        return next((s for s in streams if s.id == wanted), streams[0] if streams else None)

    def _on_lines_clicked(self) -> None:
        stream = self.selected_stream()
        if stream is not None:
            self.open_dialog(FundingLineForm(self.workspace, stream, self))

    def _on_extend_clicked(self) -> None:
        stream = self.selected_stream()
        if stream is not None:
            self.open_dialog(ExtendStreamDialog(self.workspace, stream, self))

    def _on_strand_line_clicked(self) -> None:
        strand = self.strands_table.current_record()
        if strand is None:
            show_message(self.message, "Select a strand on the Strands tab first.")
            return
        self.open_dialog(StrandLineDialog(self.workspace, strand, self))

    def _on_choice_changed(self, _index: int) -> None:
        self.context.choose_period(self.year())
        show_message(self.message, "")
        self.refresh()
