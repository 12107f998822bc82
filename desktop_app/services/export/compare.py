"""Compare with now: what has changed, value by value, since a return was sent to the MoJ."""

from __future__ import annotations

import json
from dataclasses import dataclass

from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.export.period import ExportPeriod
from desktop_app.services.export.snapshot import ReturnRecord, read_snapshot
from desktop_app.services.export.submissions import SubmissionRecord, submission_record
from desktop_app.services.validation import RecordNotFound
from desktop_app.store.database import Database
from desktop_app.store.models import Submission

__all__ = ["ReopenedReturn", "SubmissionComparison", "TotalChange", "ValueChange", "compare_with_now"]


@dataclass(frozen=True)
class ValueChange:
    """One figure that differs from what was sent. `then` None: added since; `now` None: gone."""

    strand_ref: str
    strand: str
    quarter: str  # "2022/23 Q1"
    measure_key: str
    measure_label: str
    then: int | None
    now: int | None

    @property
    def kind(self) -> str:
        """"added", "removed" or "changed", as the Exports page words it."""
        if self.then is None:
            return "added"
        if self.now is None:
            return "removed"
        return "changed"

    @property
    def difference(self) -> int:
        return (self.now or 0) - (self.then or 0)


@dataclass(frozen=True)
class TotalChange:
    key: str
    label: str
    then: int
    now: int

    @property
    def difference(self) -> int:
        return self.now - self.then


@dataclass(frozen=True)
class ReopenedReturn:
    """A return that was in the submission and is no longer locked (or no longer exists)."""

    strand_ref: str
    strand: str
    quarter: str
    status: str  # as officers read it; "Deleted" when the return is gone


@dataclass(frozen=True)
class SubmissionComparison:
    submission: SubmissionRecord
    changes: tuple[ValueChange, ...]
    totals: tuple[TotalChange, ...]
    reopened: tuple[ReopenedReturn, ...]

    @property
    def unchanged(self) -> bool:
        """Nothing differs: every figure sent is still what is stored."""
        return not self.changes and all(t.then == t.now for t in self.totals)


def compare_with_now(db: Database, submission_id: int) -> SubmissionComparison:
    """Every figure of a submission against what is stored now, and the totals then and now.

    Compared: each return the submission froze (whatever its status now, so a reopened and
    edited return shows its edit) and each return that an export of the same period with the
    same setting would count now but was not sent (added). Totals now are the sums over those
    same returns, so the totals' differences add up to the value changes listed.
    """
    with db.reading() as session:
        row = session.get(Submission, submission_id)
        if row is None:
            raise RecordNotFound(f"There is no submission {submission_id}.")
        submission = submission_record(row)
        sent = {(item["strand_id"], item["quarter"]): item for item in json.loads(row.values_json)}
        snapshot = read_snapshot(session, submission.period, include_unverified=submission.include_unverified)
    period: ExportPeriod = submission.period
    labels = {m.key: m.label for m in snapshot.catalogue.measures}
    order = {m.key: position for position, m in enumerate(snapshot.catalogue.measures)}
    stored: dict[tuple[int, int], ReturnRecord] = {r.key: r for r in snapshot.returns}
    counted_now = {r.key for r in snapshot.counted}
    compared = set(sent) | counted_now

    changes: list[ValueChange] = []
    reopened: list[ReopenedReturn] = []
    totals_now: dict[str, int] = dict.fromkeys(submission.totals, 0)
    for key in sorted(compared, key=lambda k: _sort_key(k, sent, stored)):
        then_item = sent.get(key)
        now_record = stored.get(key)
        then_values: dict[str, int] = dict(then_item["values"]) if then_item else {}
        now_values: dict[str, int] = dict(now_record.values) if now_record else {}
        strand_ref = now_record.strand.reference if now_record else then_item["strand_ref"]
        strand = now_record.strand.name if now_record else then_item["strand"]
        quarter = Quarter(period.year, key[1]).label
        for measure, value in now_values.items():
            totals_now[measure] = totals_now.get(measure, 0) + value
        for measure in sorted(set(then_values) | set(now_values), key=lambda m: order.get(m, len(order))):
            if then_values.get(measure) != now_values.get(measure):
                changes.append(
                    ValueChange(
                        strand_ref, strand, quarter, measure, labels.get(measure, measure),
                        then_values.get(measure), now_values.get(measure),
                    )
                )
        if then_item and (now_record is None or now_record.status != ReturnStatus.LOCKED):
            status = now_record.status.label if now_record else "Deleted"
            reopened.append(ReopenedReturn(strand_ref, strand, quarter, status))

    totals = tuple(
        TotalChange(key, labels.get(key, key), submission.totals.get(key, 0), totals_now.get(key, 0))
        for key in sorted(set(submission.totals) | set(totals_now), key=lambda m: order.get(m, len(order)))
    )
    return SubmissionComparison(submission, tuple(changes), totals, tuple(reopened))


def _sort_key(key: tuple[int, int], sent: dict, stored: dict) -> tuple:
    record = stored.get(key)
    if record is not None:
        return (record.strand.provider.casefold(), record.strand.reference, key[1])
    item = sent[key]
    return (item["provider"].casefold(), item["strand_ref"], key[1])
