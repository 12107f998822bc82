"""A return's status workflow as data: draft → submitted → verified → locked.

    (no return) ──save──▶ draft ──submit──▶ submitted ──verify──▶ verified ──final MoJ return──▶ locked
                  └──save──────────────────▶ submitted ◀──send back── (draft)
                                             submitted ◀──withdraw verification── verified
                                             submitted ◀──reopen, with a reason── locked

Decisions:

- verified → submitted is allowed ("withdraw verification"): nothing has left the office until
  the final MoJ return, so an officer who verified in error, or a provider's late correction,
  must not need a reopen (which is for figures already sent).
- verified → draft is not: a return the provider submitted stays submitted; withdraw the
  verification and then send it back, so the trail shows both steps.
- verified → locked is the final MoJ return's step; the export service locks what it counts
  (with "include unverified" that may be submitted returns or drafts too — the submission
  itself is the authority there). `Transition.by_submission` tells the window not to offer it
  as a button.
- locked → submitted ("reopen") needs a reason, which the audit trail keeps.
- A locked return is read-only; every other status can be edited.

Services check every change here, so an illegal move is refused whatever the window shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.completeness import MISSING, STATE_WORDS
from desktop_app.core.vocabulary import ReturnStatus

__all__ = [
    "CREATED_AS",
    "TRANSITIONS",
    "Transition",
    "TransitionRefused",
    "can_transition",
    "check_transition",
    "is_editable",
    "next_steps",
    "status_words",
]

D, S, V, L = ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.VERIFIED, ReturnStatus.LOCKED

LOCKED_MESSAGE = "A locked return cannot be changed; reopen it with a reason first."


class TransitionRefused(ValueError):
    """A status change the workflow does not allow; the message says why and what to do."""


@dataclass(frozen=True)
class Transition:
    """One allowed move, with the words an officer sees on the action."""

    old: ReturnStatus
    new: ReturnStatus
    action: str  # e.g. "Verify"
    needs_reason: bool = False
    by_submission: bool = False  # done by the final MoJ return, not offered as an action


TRANSITIONS: tuple[Transition, ...] = (
    Transition(D, S, "Mark as submitted"),
    Transition(S, D, "Send back to draft"),
    Transition(S, V, "Verify"),
    Transition(V, S, "Withdraw verification"),
    Transition(V, L, "Lock (final MoJ return)", by_submission=True),
    Transition(L, S, "Reopen…", needs_reason=True),
)
_BY_PAIR = {(t.old, t.new): t for t in TRANSITIONS}

# The statuses a new return may start at: keyed in as the provider's draft, or as received.
CREATED_AS = (D, S)

# Why each refused move is refused, said as what to do instead.
_REFUSALS = {
    (D, V): "A draft return must be submitted before it can be verified.",
    (D, L): "Only a verified return can be locked, by the final MoJ return.",
    (S, L): "Only a verified return can be locked, by the final MoJ return; verify it first.",
    (V, D): "A verified return cannot go straight back to draft; withdraw the verification first.",
}

# The completeness engine's words, so a status reads the same in the form, the grid and the matrix.
_WORDS = {None: STATE_WORDS[MISSING], **{status: STATE_WORDS[status.value] for status in ReturnStatus}}


def _status(value: ReturnStatus | str | None) -> ReturnStatus | None:
    if value is None or isinstance(value, ReturnStatus):
        return value
    return ReturnStatus(value)


def status_words(status: ReturnStatus | None) -> str:
    """The status as the officer reads it; None (no return yet) is "Missing"."""
    return _WORDS[_status(status)]


def is_editable(status: ReturnStatus | None) -> bool:
    """Whether the figures, notes and dates can be changed: anything but a locked return."""
    return _status(status) is not L


def can_transition(old: ReturnStatus | None, new: ReturnStatus) -> bool:
    """Whether `old` → `new` is an allowed move (None → draft/submitted creates a return).
    Staying at the same status is not a move, so it is False."""
    old, new = _status(old), _status(new)
    if old is None:
        return new in CREATED_AS
    return (old, new) in _BY_PAIR


def check_transition(old: ReturnStatus | None, new: ReturnStatus, *, reason: str | None = None) -> Transition | None:
    """The allowed move from `old` to `new`, or raise `TransitionRefused` saying why not.

    A move that `needs_reason` (reopening) is refused without a non-blank `reason`.
    Returns None for creating a return (old None), which is not one of the `TRANSITIONS`.
    """
    old, new = _status(old), _status(new)
    if old is None:
        if new in CREATED_AS:
            return None
        raise TransitionRefused(
            f"A new return starts as a draft or as submitted, not as {status_words(new).lower()}."
        )
    if old == new:
        raise TransitionRefused(f"The return is already {status_words(new).lower()}.")
    transition = _BY_PAIR.get((old, new))
    if transition is None:
        if old is L:
            raise TransitionRefused(LOCKED_MESSAGE)
        raise TransitionRefused(
            _REFUSALS.get(
                (old, new),
                f"A {status_words(old).lower()} return cannot become {status_words(new).lower()}.",
            )
        )
    if transition.needs_reason and not (reason or "").strip():
        raise TransitionRefused(
            "Give a reason for reopening a locked return; it is kept in the audit trail with the change."
        )
    return transition


def next_steps(status: ReturnStatus | None, *, include_submission: bool = False) -> tuple[Transition, ...]:
    """The actions to offer for a return at `status` (the final MoJ return's lock left out
    unless asked for)."""
    status = _status(status)
    return tuple(
        t for t in TRANSITIONS if t.old is status and (include_submission or not t.by_submission)
    )
