"""Long work that reports how far it is and stops when the officer cancels: one shape for all.

Export, making templates, reading an import and "Verify all valid" take the same two callbacks,
`progress(fraction, text)` and `cancelled() -> bool`, and stop with the same `Cancelled`, whose
message says what was not done. The window's task runner (ui/tasks.py) knows only this class.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.services.errors import ServiceError

__all__ = ["CancelCheck", "Cancelled", "Progress", "stop_if_cancelled", "tell"]

Progress = Callable[[float, str], None]
CancelCheck = Callable[[], bool]


class Cancelled(ServiceError):
    """The officer cancelled while the work ran; the message says what was left undone."""


def stop_if_cancelled(cancelled: CancelCheck | None, message: str) -> None:
    """Raise `Cancelled(message)` when the officer has asked to stop."""
    if cancelled is not None and cancelled():
        raise Cancelled(message)


def tell(progress: Progress | None, fraction: float, text: str) -> None:
    if progress is not None:
        progress(fraction, text)
