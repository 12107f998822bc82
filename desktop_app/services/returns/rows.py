"""Reading one return for the form: the strand, the quarter, the figures and notes, and what
the strand reported in the four quarters before (shown beside each input)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop_app.core.catalogue import BreakdownDefinition, MeasureDefinition
from desktop_app.core.periods import Quarter
from desktop_app.core.return_checks import (
    RETURN_NOTE,
    BreakdownCell,
    ReturnCheck,
    ReturnChecker,
    StrandHistory,
)
from desktop_app.core.return_workflow import (
    Transition,
    is_editable,
    next_steps,
    status_words,
)
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.returns.lookups import (
    breakdown_cells,
    checker_for,
    past_figures,
    stored_returns,
    strand_or_refuse,
    strand_runs_in,
)
from desktop_app.store.database import Database

__all__ = ["MeasureField", "ReturnForm", "return_form"]


@dataclass(frozen=True)
class MeasureField:
    """One input of the return form."""

    key: str
    label: str
    short_label: str
    group: str
    unit: str
    help_text: str
    value: int | None  # None: not collected (or no return yet)
    note: str
    previous: tuple[int | None, ...]  # one per `ReturnForm.previous_quarters`, oldest first


@dataclass(frozen=True)
class ReturnForm:
    """Everything the return form shows for one strand × quarter, whether or not a return exists.

    `check(entered)` runs the same engine the service runs on save, so the form can mark
    problems as the officer types without asking the database.
    """

    strand_id: int
    strand_reference: str
    strand_name: str
    provider_id: int
    provider_name: str
    service_category: str
    quarter: Quarter
    return_id: int | None
    status: ReturnStatus | None  # None: no return yet ("Missing")
    received_date: dt.date | None
    notes: str
    copied_from_previous: bool
    strand_runs: bool  # False: the strand does not run in this quarter, so nothing can be saved
    fields: tuple[MeasureField, ...]
    previous_quarters: tuple[Quarter, ...]
    history: StrandHistory = field(repr=False)
    checker: ReturnChecker = field(repr=False, compare=False)
    # The return's version when the form loaded it (0: no return yet); the save hands it back.
    version: int = 0
    # (measure, breakdown, category) -> the stored figure; a category with none is left out.
    breakdown_values: Mapping[BreakdownCell, int] = field(default_factory=dict)

    @property
    def period_label(self) -> str:
        return self.quarter.label

    @property
    def status_words(self) -> str:
        """"Missing", "Draft", ... as the officer reads it."""
        return status_words(self.status)

    @property
    def editable(self) -> bool:
        return self.strand_runs and is_editable(self.status)

    @property
    def next_steps(self) -> tuple[Transition, ...]:
        """The status actions to offer (none while no return exists)."""
        return next_steps(self.status) if self.status is not None else ()

    @property
    def measures(self) -> tuple[MeasureDefinition, ...]:
        return self.checker.measures

    @property
    def values(self) -> dict[str, int | None]:
        return {f.key: f.value for f in self.fields}

    @property
    def value_notes(self) -> dict[str, str]:
        """Measure key → note, with the return's own notes under `RETURN_NOTE` (for `blocking`)."""
        found = {f.key: f.note for f in self.fields if f.note}
        found[RETURN_NOTE] = self.notes
        return found

    def breakdowns_of(self, measure_key: str) -> tuple[BreakdownDefinition, ...]:
        """The breakdowns the period asks for under a measure's total, in display order."""
        return self.checker.breakdowns_of(measure_key)

    def check(
        self, entered: Mapping[str, object], breakdowns: Mapping[BreakdownCell, object] | None = None
    ) -> ReturnCheck:
        """The engine's answer for what the form holds now (`entered` maps keys to input text,
        `breakdowns` (measure, breakdown, category) to a category's text)."""
        return self.checker.check(entered, self.history, breakdowns)


def return_form(db: Database, strand_id: int, quarter: Quarter) -> ReturnForm:
    """The form's data for `strand_id` in `quarter`; raises RecordNotFound for no such strand."""
    with db.reading() as session:
        strand = strand_or_refuse(session, strand_id)
        checker = checker_for(session, quarter)
        # Breakdown figures as plain rows: a return holds a few hundred of them.
        return_ = stored_returns(session, quarter, [strand_id], breakdowns=False).get(strand_id)
        cells = breakdown_cells(session, [return_.id], checker.keys).get(return_.id, {}) if return_ is not None else {}
        past = past_figures(session, quarter, [strand_id])[strand_id]
        stored = {v.measure.key: v for v in return_.values} if return_ is not None else {}
        fields = tuple(
            MeasureField(
                key=m.key,
                label=m.label,
                short_label=m.short_label,
                group=m.group,
                unit=m.unit,
                help_text=m.help_text,
                value=stored[m.key].value if m.key in stored else None,
                note=(stored[m.key].note or "") if m.key in stored else "",
                previous=past.column(m.key),
            )
            for m in checker.measures
        )
        return ReturnForm(
            strand_id=strand.id,
            strand_reference=strand.reference,
            strand_name=strand.name,
            provider_id=strand.provider_id,
            provider_name=strand.provider.name,
            service_category=strand.service_category.name,
            quarter=quarter,
            return_id=return_.id if return_ is not None else None,
            status=return_.status if return_ is not None else None,
            received_date=return_.received_date if return_ is not None else None,
            notes=(return_.notes or "") if return_ is not None else "",
            copied_from_previous=bool(return_.copied_from_previous) if return_ is not None else False,
            strand_runs=strand_runs_in(strand, quarter),
            fields=fields,
            previous_quarters=past.quarters,
            history=past.history(),
            checker=checker,
            version=return_.version if return_ is not None else 0,
            breakdown_values=dict(cells),
        )
