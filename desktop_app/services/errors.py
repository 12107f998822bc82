"""Refusals a service gives an officer: the message says what was refused and why."""


class ServiceError(Exception):
    """A use case refused to do what was asked; nothing was changed."""


class DemoRefusedError(ServiceError):
    """The demo data would have been written over real data."""
