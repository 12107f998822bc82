"""One measure's breakdowns for one return, opened from its cell in the grid.

The same tables as the return form's breakdowns tab, checked by the same engine against the
return's saved total, and saved the same way (`save_return`, with the version the grid loaded,
so a return someone else saved since is refused).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.core.numbers import format_count
from desktop_app.core.return_checks import BreakdownCell, ReturnCheck
from desktop_app.services.changes import Changed
from desktop_app.services.errors import ServiceError, StaleRecordError
from desktop_app.services.returns import ReturnForm, ReturnRefused, return_form, save_return
from desktop_app.services.workspace import Workspace
from desktop_app.ui.pages.returns.breakdown_table import BreakdownsPanel
from desktop_app.ui.widgets.record_dialog import RecordDialog

__all__ = ["BreakdownDialog"]

READ_ONLY_STYLE = "background: #eef1f4; color: #5b6b7a;"


class BreakdownDialog(RecordDialog):
    """`changed` holds what was saved once the dialog closes (None if nothing was)."""

    def __init__(self, workspace: Workspace, strand_id: int, quarter, measure_key: str, parent: QWidget | None = None,
                 *, version: int | None = None) -> None:
        self.workspace = workspace
        self.measure_key = measure_key
        data = return_form(workspace.db, strand_id, quarter)
        if version is not None:
            data = replace(data, version=version)
        label = data.checker.label(measure_key)
        super().__init__(f"{label} — breakdowns · {data.strand_reference} {data.period_label}", parent)
        self.changed: Changed | None = None
        self.intro = QLabel(self)
        self.intro.setObjectName("pageSubtitle")
        self.intro.setWordWrap(True)
        self.outer.insertWidget(1, self.intro)
        self.panel = BreakdownsPanel(measure_key, label, data.breakdowns_of(measure_key), self)
        self.rows.layout.addRow(self.panel)
        self.set_value(data)
        self.panel.changed.connect(self._recheck)
        self._recheck()
        screen = self.screen().availableGeometry() if self.screen() else None
        height = screen.height() if screen is not None else 768
        self.resize(max(self.sizeHint().width(), self.panel.sizeHint().width() + 80), min(self.sizeHint().height(), int(height * 0.9)))

    # ------------------------------------------------------------------ the form protocol

    def set_value(self, data: ReturnForm) -> None:
        self.data = data
        total = data.values.get(self.measure_key)
        self.intro.setText(
            f"<b>{data.strand_name}</b> — {data.provider_name} · status: <b>{data.status_words}</b>. "
            f"The total, {format_count(total) or 'empty'}, is the return's saved figure: change it in the grid or the form."
        )
        self.panel.set_values(data.breakdown_values)
        self.panel.set_read_only(not data.editable, READ_ONLY_STYLE)
        self.save_button.setEnabled(data.editable)
        if not data.editable:
            self.show_problem("This return cannot be changed here (locked, or the strand does not run then): "
                              "open the return to reopen it.", notice=True)

    def value(self) -> dict[BreakdownCell, str]:
        return self.panel.texts()

    def show_errors(self, check: ReturnCheck) -> None:  # type: ignore[override] - the engine's answer
        self.panel.show_total(check.values.get(self.measure_key), check.for_measure(self.measure_key))

    # ------------------------------------------------------------------ checking and saving

    def _entered_totals(self) -> dict[str, str]:
        return {f.key: format_count(f.value) for f in self.data.fields}

    def _recheck(self) -> None:
        self.show_errors(self.data.check(self._entered_totals(), self.value()))

    def _inputs_state(self) -> list:
        # The tables keep out of the generic state (see ReturnDialog); what differs stands in.
        return [*super()._inputs_state(), sorted(self.changed_breakdowns().items())]

    def changed_breakdowns(self) -> dict[BreakdownCell, str]:
        loaded = self.data.breakdown_values
        return {cell: text for cell, text in self.value().items() if text.strip() != format_count(loaded.get(cell)).strip()}

    def save(self) -> None:
        data = self.data
        if not data.editable:
            return
        try:
            result = save_return(self.workspace.db, data.strand_id, data.quarter, {}, breakdowns=self.changed_breakdowns(),
                                 version=data.version)
        except StaleRecordError as stale:
            self.offer_reload(str(stale))
            return
        except ReturnRefused as refused:
            self.show_errors(refused.check)
            self.show_problem(str(refused))
            return
        except (ServiceError, ValueError) as error:
            self.show_problem(str(error))
            return
        self.changed = result.changed or None
        self.accept()

    def reload(self) -> None:
        self.set_value(return_form(self.workspace.db, self.data.strand_id, self.data.quarter))
        self._recheck()
        self.mark_unchanged()
