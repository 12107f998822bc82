"""Refusals a service gives an officer: the message says what was refused and why."""


class ServiceError(Exception):
    """A use case refused to do what was asked; nothing was changed."""


class DemoRefusedError(ServiceError):
    """The demo data would have been written over real data."""


def _refusals() -> tuple[type[BaseException], ...]:
    from desktop_app.store.errors import StoreError

    return (ServiceError, StoreError, ValueError, OSError)


# What the window and the terminal show an officer as a message, never as a crash:
# a refused action, a database that cannot be opened, bad input, a file that cannot be written.
REFUSALS = _refusals()


class StaleRecordError(ServiceError):
    """Someone else saved the record after this form or grid loaded it; nothing was written.

    `who` and `at` (local time, or None when the trail does not say) come from the audit trail.
    """

    def __init__(self, message: str, *, who: str | None = None, at=None) -> None:
        super().__init__(message)
        self.who = who
        self.at = at
