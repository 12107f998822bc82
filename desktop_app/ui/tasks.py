"""Slow work off the UI thread: one helper, on Qt's thread pool, with progress and cancel.

The work is a plain function that takes two callbacks, `progress(fraction, text)` and
`cancelled() -> bool`, and returns a result, or stops with the services' `Cancelled`. It must not touch a widget: it gets immutable
inputs and opens its own database session through the services. Its result, its error or its
progress come back to the UI thread as Qt signals (queued across threads).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.services.progress import CancelCheck, Cancelled, Progress

Work = Callable[[Progress, CancelCheck], Any]


class _Signals(QObject):
    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()  # always last, after the outcome


# Tasks still running or with signals still on their way: a task collected early would take
# its signals (and the queued result) with it.
_LIVE: set["Task"] = set()


class Task(QRunnable):
    """One piece of work on the pool. Keep a reference until `finished` fires."""

    def __init__(self, work: Work) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self._work = work
        self._cancel = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:  # on a pool thread
        try:
            result = self._work(self.signals.progressed.emit, self._cancel.is_set)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as error:  # noqa: BLE001 - handed to the UI thread to show
            self.signals.failed.emit(error)
        else:
            # Work that returned finished, even if Cancel came too late to stop it: a final
            # export that was recorded must be reported as done, not as cancelled.
            self.signals.succeeded.emit(result)
        finally:
            self.done.set()
            self.signals.finished.emit()


def run_task(
    work: Work,
    *,
    on_success: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    on_progress: Progress | None = None,
    on_cancelled: Callable[[], None] | None = None,
    pool: QThreadPool | None = None,
) -> Task:
    """Start `work` on the pool; the callbacks run on the UI thread."""
    task = Task(work)
    queued = Qt.ConnectionType.QueuedConnection
    task.signals.succeeded.connect(on_success, queued)
    task.signals.failed.connect(on_error, queued)
    if on_progress is not None:
        task.signals.progressed.connect(on_progress, queued)
    if on_cancelled is not None:
        task.signals.cancelled.connect(on_cancelled, queued)
    _LIVE.add(task)
    task.signals.finished.connect(lambda: _LIVE.discard(task), queued)
    (pool or QThreadPool.globalInstance()).start(task)
    return task


PROGRESS_MIN_WIDTH = 380
TITLE_BAR_EXTRA_PX = 160


def run_with_progress(
    parent: QWidget,
    title: str,
    work: Work,
    *,
    on_success: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    on_cancelled: Callable[[], None] | None = None,
) -> tuple[Task, QProgressDialog]:
    """Run `work` with a window-modal progress dialog whose Cancel button stops it."""
    dialog = QProgressDialog(title, "Cancel", 0, 1000, parent)
    dialog.setWindowTitle(title)
    # Wide enough for the whole title in the title bar (its buttons take about 120 px), which a
    # narrow dialog cuts to "Saving th…2022/23"; progress lines are shorter than the title.
    dialog.setMinimumWidth(max(PROGRESS_MIN_WIDTH, dialog.fontMetrics().horizontalAdvance(title) + TITLE_BAR_EXTRA_PX))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)  # quick work never flashes a dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progressed(fraction: float, text: str) -> None:
        dialog.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if text:
            dialog.setLabelText(text)

    def finish(callback, *args) -> None:
        dialog.close()
        if callback is not None:
            callback(*args)

    task = run_task(
        work,
        on_success=lambda result: finish(on_success, result),
        on_error=lambda error: finish(on_error, error),
        on_progress=progressed,
        on_cancelled=lambda: finish(on_cancelled),
    )
    dialog.canceled.connect(task.cancel)
    return task, dialog
