""""Verify all valid" and "Undo verify" for the quarter on the Returns page: ask with the count,
verify off the UI thread with progress, say what was verified and what was not, and offer to
put exactly those returns back as one action."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QPushButton

from desktop_app.core.wording import plural
from desktop_app.services.errors import REFUSALS, ServiceError
from desktop_app.services.progress import Cancelled
from desktop_app.services.returns import (
    submitted_count,
    undo_verify_all,
    verify_all_valid,
)
from desktop_app.ui.pages.returns.host import ReturnsHost
from desktop_app.ui.tasks import run_with_progress

__all__ = ["VerifyActions"]


class VerifyActions(QObject):
    """`verify_button` starts it; `undo_button` is shown after a verify that verified any."""

    def __init__(self, host: ReturnsHost, verify_button: QPushButton, undo_button: QPushButton) -> None:
        super().__init__(host.widget)
        self.host = host
        self.verify_button = verify_button
        self.undo_button = undo_button
        self.last_result = None
        self.task = None
        self.progress_dialog = None
        verify_button.clicked.connect(self.verify_all_valid)
        undo_button.clicked.connect(self.undo_verify)

    def verify_all_valid(self) -> None:
        """Ask, with the count, then verify off the UI thread with progress (one audited action
        that "Undo verify" takes back as a whole)."""
        host, quarter = self.host, self.host.quarter()
        if host.has_unsaved_changes():
            host.say("Save or discard the grid's changes first: verifying checks what is saved.", problem=True)
            return
        count = submitted_count(host.db(), quarter)
        if not count:
            host.say(f"{quarter.label} has no submitted returns to verify.")
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, "Verify all valid",
            f"Verify the {plural(count, 'submitted return')} of {quarter.label}?",
            QMessageBox.StandardButton.Cancel, host.widget,
        )
        box.setInformativeText("Each one with no error and every warning explained by a note is verified; the "
                               "others stay submitted and are listed. You can undo it as a whole afterwards.")
        box.addButton(f"Verify {plural(count, 'return')}", QMessageBox.ButtonRole.AcceptRole)
        box.finished.connect(lambda _r: self._on_verify_answered(box))
        host.show_dialog(box)
        box.open()

    def _on_verify_answered(self, box: QMessageBox) -> None:
        self.host.show_dialog(None)
        if box.buttonRole(box.clickedButton()) != QMessageBox.ButtonRole.AcceptRole:
            return
        db, quarter = self.host.db(), self.host.quarter()

        def work(progress, cancelled):
            return verify_all_valid(db, quarter, progress=progress, cancelled=cancelled)

        self.verify_button.setEnabled(False)
        self.task, self.progress_dialog = run_with_progress(
            self.host.widget, f"Verifying {quarter.label}", work, on_success=self._on_verified,
            on_error=self._on_verify_failed,
            on_cancelled=lambda: self._on_verify_failed(Cancelled(
                f"Verifying {quarter.label} was cancelled; no return was verified.")),
        )

    def _on_verify_failed(self, error: BaseException) -> None:
        self.task = None
        self.verify_button.setEnabled(True)
        problem = not isinstance(error, Cancelled)
        self.host.say(str(error) if isinstance(error, (ServiceError, *REFUSALS)) else
                      f"Nothing was verified: {error}", problem=problem)

    def _on_verified(self, result) -> None:
        self.task = None
        self.verify_button.setEnabled(True)
        text = f"Verified {plural(result.verified, 'return')} of {result.quarter.label}."
        tooltip = ""
        if result.skipped:
            lines = [f"{ref} — {why}" for ref, why in result.skipped]
            more = f"\n… and {len(lines) - 5:,} more" if len(lines) > 5 else ""
            text += f" Not verified ({len(lines):,}):\n" + "\n".join(lines[:5]) + more
            tooltip = "\n".join(lines)
        self.last_result = result
        self.host.say(text, tooltip=tooltip)
        self.undo_button.setVisible(result.verified > 0)
        self.host.publish(result.changed)

    def undo_verify(self) -> None:
        """Put exactly the returns the last "Verify all valid" verified back to submitted."""
        done = self.last_result
        self.undo_button.setVisible(False)
        if done is None or not done.verified:
            return
        try:
            result = undo_verify_all(self.host.db(), done)
        except (ServiceError, *REFUSALS) as refused:
            self.host.say(str(refused), problem=True)
            return
        self.last_result = None
        text = f"Undone: {plural(result.reverted, 'return')} of {done.quarter.label} back to submitted."
        if result.left:
            text += " Left as they are, changed since: " + ", ".join(f"{ref} ({now})" for ref, now in result.left) + "."
        self.host.say(text)
        self.host.publish(result.changed)

    def forget(self) -> None:
        """Another quarter is shown: the undo no longer applies to what is on screen."""
        self.undo_button.setVisible(False)
