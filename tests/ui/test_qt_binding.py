"""The Qt binding itself must not break the interpreter during a long working day."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_many_calls_to_qt_methods_returning_nothing_leave_none_alone():
    # PySide6 6.12.0 released a reference to None on each such call; on Python 3.11 the
    # process then aborts with "none_dealloc" once None's count runs out (a pasted quarter
    # and a few saves were enough). Run in a child process: the failure is an abort.
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtWidgets import QApplication, QLabel
        app = QApplication([])
        label = QLabel()
        before = sys.getrefcount(None)
        for _ in range(50_000):
            label.setText("x")
            label.update()
        print(sys.getrefcount(None) - before)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-1500:]
    assert abs(int(result.stdout.strip().splitlines()[-1])) < 1_000
