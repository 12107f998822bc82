"""Work off the UI thread: the result, the error and the cancel come back to the UI thread."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread

from desktop_app.services.progress import Cancelled
from desktop_app.ui.tasks import run_task, run_with_progress


def test_the_result_and_progress_arrive_on_the_ui_thread(qtbot):
    seen = {"threads": set(), "progress": []}
    worker_thread = {}

    def work(progress, cancelled):
        worker_thread["id"] = threading.get_ident()
        for step in range(3):
            progress((step + 1) / 3, f"step {step + 1}")
        return 42

    def on_progress(fraction, text):
        seen["threads"].add(QThread.currentThread() is qtbot_thread)
        seen["progress"].append(text)

    qtbot_thread = QThread.currentThread()
    results = []
    task = run_task(work, on_success=results.append, on_error=lambda e: results.append(e), on_progress=on_progress)
    qtbot.waitUntil(lambda: results == [42])
    assert worker_thread["id"] != threading.get_ident()
    assert seen["progress"] == ["step 1", "step 2", "step 3"]
    assert seen["threads"] == {True}
    assert task.done.is_set()


def test_an_error_is_handed_back_not_raised_in_the_pool(qtbot):
    errors = []
    run_task(lambda p, c: 1 / 0, on_success=lambda r: None, on_error=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1)
    assert isinstance(errors[0], ZeroDivisionError)


def test_cancel_from_the_progress_dialog_stops_the_work(qtbot, qapp):
    outcome = []
    started = threading.Event()

    def work(progress, cancelled):
        started.set()
        deadline = time.monotonic() + 10
        while not cancelled():
            if time.monotonic() > deadline:
                return "ran to the end"
            time.sleep(0.01)
        raise Cancelled("stopped")

    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    task, dialog = run_with_progress(
        parent, "Working", work, on_success=outcome.append, on_error=outcome.append,
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    assert started.wait(5)
    from PySide6.QtWidgets import QPushButton

    dialog.findChild(QPushButton).click()  # the officer presses Cancel
    qtbot.waitUntil(lambda: outcome == ["cancelled"], timeout=5000)
    assert not dialog.isVisible()


def test_the_progress_dialog_is_wide_enough_for_its_whole_title(qtbot):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(1366, 768)
    parent.show()
    title = "Saving the MoJ return for 2022/23 Q4 (final)"
    done = []
    task, dialog = run_with_progress(
        parent, title, lambda progress, cancelled: "saved", on_success=done.append, on_error=done.append,
    )
    dialog.show()
    qtbot.waitUntil(lambda: done == ["saved"], timeout=5000)
    # The title bar's close button and margins take ~120 px; the rest must hold the title.
    assert dialog.width() - 120 >= dialog.fontMetrics().horizontalAdvance(title)
