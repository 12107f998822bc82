"""What an import would do, file by file and strand by strand, before anything is written.

Plain frozen data for the window's preview dialog and the terminal: per file, ready or refused
(with one line per problem, naming the file, sheet and cell); per strand, the new figures, the
changed ones (old → new), the engine's errors and warnings, and what will happen to the return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.money import format_pence
from desktop_app.core.numbers import format_count
from desktop_app.core.periods import Quarter
from desktop_app.core.return_workflow import status_words
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.core.wording import noun, plural

__all__ = ["ClaimImport", "ImportFile", "ImportPreview", "StrandImport", "ValueChange", "WARNINGS_POLICY", "display_name"]

# Actions on one strand's return.
NEW = "new"  # no return yet: one is made, submitted
CHANGED = "changed"  # figures differ from those held: updated, submitted
SUBMIT = "submit"  # same figures, but a draft: marked submitted (the provider confirmed them)
UNCHANGED = "unchanged"  # same figures, already submitted or verified: nothing written
LOCKED = "locked"  # sent to the MoJ: never changed by an import
EMPTY = "empty"  # nothing typed and no return held: nothing to make
WRITES = frozenset({NEW, CHANGED, SUBMIT})

WARNINGS_POLICY = (
    "Warnings do not stop an import (a workbook cannot carry the officer's notes): the return is "
    "saved as submitted, and each warning must be explained in a note before it can be verified."
)


def display_name(path: Path) -> str:
    """The file's name as a message shows it: control characters (a newline is legal in a Linux
    file name) would break the one-line-per-problem promise."""
    return "".join("?" if ord(c) < 32 or ord(c) == 127 else c for c in path.name)


@dataclass(frozen=True)
class ValueChange:
    """One figure the import brings: `old` is what is held (None: nothing), `new` what the
    file says (None: left blank, i.e. not collected)."""

    key: str
    label: str
    cell: str
    old: int | None
    new: int | None
    # What the cell holds when it is not a count ('about 400'), so it is shown, not "blank".
    refused: object = None

    @property
    def new_shown(self) -> str:
        """The file's figure as the officer should see it: a count, blank, or the refused text."""
        if self.new is None and self.refused is not None:
            return f"{str(self.refused)!r} (refused)"
        return "blank" if self.new is None else format_count(self.new)

    def describe(self) -> str:
        if self.old is None:
            return f"{self.label}: {self.new_shown} (cell {self.cell})"
        return f"{self.label}: {format_count(self.old)} → {self.new_shown} (cell {self.cell})"


@dataclass(frozen=True)
class StrandImport:
    """One strand's sheet: what is held, what the file brings, and what the import will do."""

    strand_id: int
    reference: str
    name: str
    sheet: str
    quarter: Quarter
    action: str  # NEW, CHANGED, SUBMIT, UNCHANGED, LOCKED or EMPTY
    status_before: ReturnStatus | None
    status_after: ReturnStatus | None
    new_values: tuple[ValueChange, ...] = ()
    changed_values: tuple[ValueChange, ...] = ()
    errors: tuple[str, ...] = ()  # one line each, naming file, sheet and cell; they block the batch
    warnings: tuple[str, ...] = ()  # one line each; saved anyway (see WARNINGS_POLICY)
    entered: Mapping[str, object] = field(default_factory=dict, repr=False)  # key → as typed
    held: Mapping[str, int] = field(default_factory=dict, repr=False)  # figures held at preview
    # The return's version at preview (0: none yet): any save since, even of a note, refuses the commit.
    version_before: int = 0
    # The breakdown figures as typed, (measure, breakdown, category) → value; None: the template
    # has no blocks (before version 4), so the held breakdowns stay as they are.
    entered_breakdowns: Mapping[tuple[str, str, str], object] | None = field(default=None, repr=False)
    # (breakdown, with its cells; how many of its categories change), for each one the file changes.
    breakdown_changes: tuple[tuple[str, int], ...] = ()

    @property
    def writes(self) -> bool:
        """Whether committing will write this return (no errors, and something to write)."""
        return not self.errors and self.action in WRITES

    def summary(self) -> str:
        """What will happen, as the officer reads it."""
        after = status_words(self.status_after).lower() if self.status_after else ""
        if self.errors:
            count = len(self.errors)
            return f"refused: {plural(count, 'error')}"
        if self.action == LOCKED:
            differs = " (the file's figures differ from those sent)" if self.changed_values else ""
            return f"locked: not changed{differs}"
        if self.action == EMPTY:
            return "no figures entered: no return made"
        if self.action == NEW:
            count = len(self.new_values)
            return f"new return, {plural(count, 'figure')} → {after}"
        if self.action == CHANGED:
            count = len(self.changed_values) + len(self.new_values) + sum(n for _, n in self.breakdown_changes)
            return f"{plural(count, 'figure')} changed → {after}"
        if self.action == SUBMIT:
            return f"figures unchanged; {status_words(self.status_before).lower()} → {after}"
        return f"no change ({status_words(self.status_before).lower()})"


@dataclass(frozen=True)
class AmountChange:
    """One amount of a strand's claim the import brings (pence; None: nothing held or left blank)."""

    label: str
    cell: str
    old: int | None
    new: int | None

    def describe(self) -> str:
        def shown(pence: int | None) -> str:
            return "blank" if pence is None else format_pence(pence)

        if self.old is None:
            return f"{self.label}: {shown(self.new)} (Spend cell {self.cell})"
        return f"{self.label}: {shown(self.old)} → {shown(self.new)} (Spend cell {self.cell})"


@dataclass(frozen=True)
class ClaimImport:
    """One strand's rows of the Spend sheet: the claim held for the quarter, what the file
    brings, and what the import will do (NEW, CHANGED, UNCHANGED or EMPTY)."""

    strand_id: int
    reference: str
    quarter: Quarter
    action: str
    total_pence: int = 0
    changes: tuple[AmountChange, ...] = ()
    errors: tuple[str, ...] = ()  # one line each, naming file, sheet and cell; they block the batch
    claim_id: int | None = None
    # The claim's version at preview (0: none yet): any save since refuses the commit.
    version_before: int = 0
    entered: Mapping[str, object] = field(default_factory=dict, repr=False)  # key → as typed, for ClaimDraft

    @property
    def writes(self) -> bool:
        return not self.errors and self.action in (NEW, CHANGED)

    def summary(self) -> str:
        if self.errors:
            count = len(self.errors)
            return f"claim refused: {plural(count, 'error')}"
        if self.action == EMPTY:
            return "no spend entered: claim left as held" if self.claim_id else "no spend entered: no claim made"
        if self.action == UNCHANGED:
            return "claim unchanged"
        verb = "new claim" if self.action == NEW else "claim changed"
        return f"{verb}, {format_pence(self.total_pence)} → submitted"


@dataclass(frozen=True)
class ImportFile:
    """One file of the batch: ready when it has no problems and none of its strands an error."""

    path: Path
    quarter: Quarter | None = None
    provider_name: str = ""
    problems: tuple[str, ...] = ()  # file-level refusals, one line each
    strands: tuple[StrandImport, ...] = ()
    claims: tuple[ClaimImport, ...] = ()  # the Spend sheet, a claim per strand

    @property
    def name(self) -> str:
        return display_name(self.path)

    @property
    def refused(self) -> bool:
        return bool(self.problems) or any(s.errors for s in self.strands) or any(c.errors for c in self.claims)

    @property
    def refusals(self) -> tuple[str, ...]:
        """Every line that stops this file being imported."""
        return (
            self.problems
            + tuple(line for s in self.strands for line in s.errors)
            + tuple(line for c in self.claims for line in c.errors)
        )

    def refusal_line(self) -> str:
        """The file's refusal in one line: the first problem, and how many more there are."""
        lines = self.refusals
        if not lines:
            return ""
        more = len(lines) - 1
        return lines[0] + (f" (and {format_count(more)} more {noun(more, 'problem')})" if more else "")


@dataclass(frozen=True)
class ImportPreview:
    """The whole batch. `ok` only when every file is ready: a batch commits whole or not at all."""

    files: tuple[ImportFile, ...]

    @property
    def ok(self) -> bool:
        return bool(self.files) and not any(f.refused for f in self.files)

    @property
    def refused_files(self) -> tuple[ImportFile, ...]:
        return tuple(f for f in self.files if f.refused)

    @property
    def strands(self) -> tuple[StrandImport, ...]:
        return tuple(s for f in self.files for s in f.strands)

    @property
    def to_write(self) -> tuple[StrandImport, ...]:
        """The returns a commit will write."""
        return tuple(s for s in self.strands if s.writes)

    @property
    def claims_to_write(self) -> tuple[ClaimImport, ...]:
        """The claims a commit will write."""
        return tuple(c for f in self.files for c in f.claims if c.writes)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(w for s in self.strands for w in s.warnings)

    def counts(self) -> dict[str, int]:
        """How many strands fall under each action (refused ones under "refused")."""
        found: dict[str, int] = {}
        for strand in self.strands:
            key = "refused" if strand.errors else strand.action
            found[key] = found.get(key, 0) + 1
        return found

    def summary(self) -> str:
        """One line for the whole batch."""
        counts = self.counts()
        ready = len(self.files) - len(self.refused_files)
        writing = (
            f"({counts.get(NEW, 0)} new, {counts.get(CHANGED, 0)} changed, "
            f"{plural(counts.get(SUBMIT, 0), 'draft')} submitted unchanged)"
        )
        if self.ok:
            what = f"{plural(len(self.to_write), 'return')} to write {writing}"
        else:
            # The batch commits whole or not at all: a refused file means nothing is written.
            what = (
                f"nothing will be written until the refused {noun(len(self.refused_files), 'file is', 'files are')} "
                f"corrected or left out; then {plural(len(self.to_write), 'return')} {writing}"
            )
        parts = [
            f"{plural(len(self.files), 'file')}: {ready} ready, {len(self.refused_files)} refused",
            what,
        ]
        claims = self.claims_to_write
        if claims:
            new = sum(c.action == NEW for c in claims)
            parts.append(f"{plural(len(claims), 'claim')} to write ({new} new, {len(claims) - new} changed)")
        if counts.get(UNCHANGED):
            parts.append(f"{counts[UNCHANGED]} unchanged")
        if counts.get(LOCKED):
            parts.append(f"{counts[LOCKED]} locked, not changed")
        if self.warnings:
            parts.append(plural(len(self.warnings), "warning"))
        return "; ".join(parts)

    def lines(self, *, details: bool = True) -> list[str]:
        """The preview as text: per file, per strand, each figure (with `details`), problems."""
        out: list[str] = []
        for item in self.files:
            if item.problems:
                out.append(f"{item.name}: refused")
                out += [f"  {line}" for line in item.problems]
                continue
            state = "refused" if item.refused else "ready"
            period = item.quarter.label if item.quarter else ""
            out.append(f"{item.name}: {state} ({item.provider_name}, {period})")
            for strand in item.strands:
                out.append(f"  {strand.reference} {strand.name}: {strand.summary()}")
                if details and strand.action != LOCKED:
                    out += [f"    new {change.describe()}" for change in strand.new_values]
                    out += [f"    changed {change.describe()}" for change in strand.changed_values]
                    out += [
                        f"    breakdown {what}: {plural(count, 'category', 'categories')} new or changed"
                        for what, count in strand.breakdown_changes
                    ]
                out += [f"    error: {line}" for line in strand.errors]
                out += [f"    warning: {line}" for line in strand.warnings]
            for claim in item.claims:
                if claim.action == EMPTY and not claim.errors:
                    continue
                out.append(f"  {claim.reference} spend: {claim.summary()}")
                if details:
                    out += [f"    {change.describe()}" for change in claim.changes]
                out += [f"    error: {line}" for line in claim.errors]
        out.append(self.summary())
        if self.warnings:
            out.append(WARNINGS_POLICY)
        return out
