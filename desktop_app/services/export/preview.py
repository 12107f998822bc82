"""What the Exports page shows before saving: the totals, what is counted, what is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core.numbers import format_count
from desktop_app.services.errors import ServiceError
from desktop_app.services.export.period import ExportPeriod
from desktop_app.services.export.snapshot import PeriodSnapshot, read_snapshot
from desktop_app.services.report import MeasureTotal
from desktop_app.store.database import Database

__all__ = ["DataProblem", "ExportPreview", "NothingToExportError", "export_preview", "preview_of"]

RULE_BREACH = "rule breach"
MISSING = "missing return"
ABOVE_CEILING = "figure above ceiling"


class NothingToExportError(ServiceError):
    """The period has no returns that would be counted; no file was written."""


@dataclass(frozen=True)
class DataProblem:
    """Something an officer should look at before sending: where, and what is wrong."""

    kind: str  # RULE_BREACH, MISSING or ABOVE_CEILING
    where: str  # "2022/23 Q1, strand WY-004 (Victim Support)"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class ExportPreview:
    period: ExportPeriod
    include_unverified: bool
    measures: tuple[MeasureTotal, ...]
    returns_counted: int
    returns_unverified: int  # draft or submitted, counted only when include_unverified
    returns_missing: int
    returns_in_period: int  # any status
    problems: tuple[DataProblem, ...]
    # Where each unverified return is, with its status ("2022/23 Q1, strand WY-004 (...): draft").
    unverified: tuple[str, ...] = ()
    totals: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "totals", {m.key: m.total for m in self.measures})

    @property
    def has_returns(self) -> bool:
        """Whether any return at all, of any status, has been entered for the period."""
        return self.returns_in_period > 0

    @property
    def missing(self) -> tuple[str, ...]:
        """Where each missing return is: strand × quarter cells with no return entered."""
        return tuple(p.where for p in self.problems if p.kind == MISSING)

    @property
    def left_out(self) -> tuple[str, ...]:
        """What a return of the period would not hold: the missing, then unverified ones left out."""
        unverified = () if self.include_unverified else self.unverified
        return tuple(f"{where}: missing" for where in self.missing) + unverified

    @property
    def above_ceiling(self) -> tuple[DataProblem, ...]:
        """Counted figures no return can hold (an older version let them in): never sent."""
        return tuple(p for p in self.problems if p.kind == ABOVE_CEILING)

    @property
    def can_export(self) -> bool:
        return self.returns_counted > 0 and not self.above_ceiling

    @property
    def refusal(self) -> str | None:
        """Why the period cannot be exported, or None when it can."""
        if self.can_export:
            return None
        label = self.period.label
        if self.above_ceiling:
            first, more = self.above_ceiling[0], len(self.above_ceiling) - 1
            also = f" (and {format_count(more)} more)" if more else ""
            return f"{label} cannot be exported: {first}{also}. Correct that return first (check lists them all)."
        if self.include_unverified:
            return f"{label} has no returns to export; enter or import the providers' returns first."
        if not self.has_returns:
            return (
                f"{label} has no verified or locked returns to export; no returns have been entered "
                "for it yet."
            )
        return (
            f"{label} has no verified or locked returns to export; verify its "
            f"{format_count(self.returns_in_period)} returns first, or include unverified returns."
        )

    def refuse_if_empty(self) -> None:
        """Raise `NothingToExportError` when nothing would be counted."""
        if self.refusal is not None:
            raise NothingToExportError(self.refusal)


def _where(quarter_label: str, strand_ref: str, provider: str) -> str:
    return f"{quarter_label}, strand {strand_ref} ({provider})"


def preview_of(snapshot: PeriodSnapshot) -> ExportPreview:
    """The preview of an already-read snapshot (the workbook writer uses the same numbers)."""
    catalogue = snapshot.catalogue
    problems: list[DataProblem] = []
    for r in snapshot.counted:
        where = _where(r.quarter.label, r.strand.reference, r.strand.provider)
        beyond = catalogue.figures_beyond_ceilings(r.values)
        problems += [DataProblem(ABOVE_CEILING, where, message) for message in beyond.values()]
        sound = {key: value for key, value in r.values.items() if key not in beyond}
        problems += [DataProblem(RULE_BREACH, where, breach.message) for breach in catalogue.breaches(sound)]
    problems += [
        DataProblem(MISSING, _where(quarter.label, strand.reference, strand.provider), "no return has been entered")
        for strand, quarter in snapshot.missing
    ]
    totals = snapshot.totals()
    measures = tuple(
        MeasureTotal(key=m.key, label=m.label, total=totals[m.key], sentence=m.report_sentence)
        for m in snapshot.measures
    )
    return ExportPreview(
        period=snapshot.period,
        include_unverified=snapshot.include_unverified,
        measures=measures,
        returns_counted=len(snapshot.counted),
        returns_unverified=len(snapshot.unverified),
        returns_missing=len(snapshot.missing),
        returns_in_period=len(snapshot.returns),
        problems=tuple(problems),
        unverified=tuple(
            f"{_where(r.quarter.label, r.strand.reference, r.strand.provider)}: {r.status.value}"
            for r in snapshot.unverified
        ),
    )


def export_preview(db: Database, period: ExportPeriod, *, include_unverified: bool = False) -> ExportPreview:
    """Totals per measure over the period's counted returns, what is left out, and any problems.

    Counted: verified and locked returns, or every return when `include_unverified`. Problems:
    rule breaches on counted returns, and strand × quarter cells with no return.
    """
    with db.reading() as session:
        snapshot = read_snapshot(session, period, include_unverified=include_unverified)
    return preview_of(snapshot)
