"""Refusals of the returns use cases. Each is a `ServiceError`: shown as a message, nothing written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from desktop_app.core.return_checks import Problem, ReturnCheck
from desktop_app.core.return_workflow import (
    LOCKED_MESSAGE,
    Transition,
    TransitionRefused,
    check_transition,
)
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.core.wording import plural
from desktop_app.services.errors import ServiceError

__all__ = ["GridRefused", "ReturnLocked", "ReturnRefused", "StatusRefused", "allowed_or_refuse"]


class StatusRefused(ServiceError, ValueError):
    """A status change the workflow does not allow (the message comes from `core.return_workflow`)."""


class ReturnLocked(StatusRefused):
    """A locked return was to be changed; it must be reopened, with a reason, first."""

    def __init__(self, where: str = "") -> None:
        super().__init__(f"{where}: {LOCKED_MESSAGE}" if where else LOCKED_MESSAGE)


class ReturnRefused(ServiceError, ValueError):
    """The return has errors (it cannot be saved), or is to be verified with warnings that have no
    note (`verifying`). Nothing was written.

    `check` is the engine's full answer (to mark each input); `problems` are what blocked it.
    """

    def __init__(self, check: ReturnCheck, problems: Iterable[Problem], where: str = "", *, verifying: bool = False) -> None:
        self.check = check
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = [p.message for p in self.problems]
        if verifying:
            what = where or "The return"
            head = f"{what} was not verified: add a note to each warning first."
        else:
            head = f"{where} was not saved:" if where else "The return was not saved:"
        super().__init__("\n".join([head, *lines]))


class GridRefused(ServiceError, ValueError):
    """Some rows of the grid cannot be saved, so none was. `problems` maps each strand
    reference to what blocks its row; `checks` maps strand ids to the engine's answer."""

    def __init__(
        self,
        problems: Mapping[str, Iterable[Problem | str]],
        checks: Mapping[int, ReturnCheck] | None = None,
    ) -> None:
        self.problems: dict[str, tuple[Problem | str, ...]] = {ref: tuple(p) for ref, p in problems.items()}
        self.checks: dict[int, ReturnCheck] = dict(checks or {})
        count = len(self.problems)
        lines = [f"Nothing was saved: {plural(count, 'row needs', 'rows need')} attention."]
        for reference, found in self.problems.items():
            lines += [f"{reference}: {p}" for p in found]
        super().__init__("\n".join(lines))


def allowed_or_refuse(
    old: ReturnStatus | None, new: ReturnStatus, *, reason: str | None = None, where: str = ""
) -> Transition | None:
    """`core.return_workflow.check_transition`, its refusal turned into the service's own."""
    try:
        return check_transition(old, new, reason=reason)
    except TransitionRefused as error:
        if old == ReturnStatus.LOCKED and new != ReturnStatus.SUBMITTED:
            raise ReturnLocked(where) from error
        raise StatusRefused(f"{where}: {error}" if where else str(error)) from error
