"""Final exports: the returns they lock, the Submission they record, and "compare with now"."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select, text

from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.excel.writer import WorkbookWriteError
from desktop_app.services.changes import RETURNS, SUBMISSIONS
from desktop_app.services.export import (
    FINAL_EXPORT_CHANGED,
    ExportPeriod,
    NothingToExportError,
    SubmissionNotRecorded,
    compare_with_now,
    export_preview,
    final_export,
    get_submission,
    list_submissions,
)
from desktop_app.services.validation import RecordNotFound
from desktop_app.store.models import (
    AuditEvent,
    Measure,
    Return,
    ReturnPeriod,
    ReturnValue,
    Strand,
    Submission,
)

H1_2024 = ExportPeriod.parse("2024/25 H1")
# A six-monthly return is signed off by the Chief Finance Officer.
CFO = "Sam Okafor"
YEAR_2022 = ExportPeriod.parse("2022/23")


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _statuses(db, period: ExportPeriod) -> dict[str, int]:
    with db.reading() as session:
        return dict(
            session.execute(
                select(Return.status, func.count(Return.id))
                .join(Return.period)
                .where(ReturnPeriod.financial_year == period.year.start_year,
                       ReturnPeriod.quarter.in_(period.quarter_numbers))
                .group_by(Return.status)
            ).all()
        )


def _submission_count(db) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count(Submission.id)))


def _reopen_and_edit(db, period: ExportPeriod, measure: str = "victims_supported", by: int = 5):
    """What the returns page will do: reopen a locked return with a reason, then correct a figure."""
    with db.transaction(who="a.officer", reason="Provider corrected a double-counted referral") as session:
        value = session.scalars(
            select(ReturnValue)
            .join(ReturnValue.measure).join(ReturnValue.return_).join(Return.period).join(Return.strand)
            .where(Measure.key == measure, ReturnPeriod.financial_year == period.year.start_year,
                   ReturnPeriod.quarter.in_(period.quarter_numbers), Return.status == ReturnStatus.LOCKED)
            .order_by(Strand.reference, ReturnPeriod.quarter)
            .limit(1)
        ).one()
        value.return_.status = ReturnStatus.SUBMITTED
        before = value.value
        value.value = before + by
        return value.return_.strand.reference, value.return_.period.quarter, before


def test_a_final_export_locks_what_it_counts_and_records_the_files_hash(demo_db, out):
    assert _statuses(demo_db, H1_2024) == {ReturnStatus.VERIFIED: 144}
    preview = export_preview(demo_db, H1_2024)
    target = out / "MoJ return 2024-25 H1.xlsx"
    record = final_export(demo_db, H1_2024, target, who="a.officer", signed_off_by=CFO)
    assert _statuses(demo_db, H1_2024) == {ReturnStatus.LOCKED: 144}
    assert record.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert record.file_name == str(target) and record.created_by == "a.officer"
    assert record.period == H1_2024 and record.totals == preview.totals
    assert record.returns_included == 144
    assert FINAL_EXPORT_CHANGED.touches(RETURNS) and FINAL_EXPORT_CHANGED.touches(SUBMISSIONS)
    with demo_db.reading() as session:
        stored = session.scalars(select(Submission)).one()
        locks = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "return", AuditEvent.field == "status",
                                     AuditEvent.action == "update", AuditEvent.new_value == "locked")
        ).all()
    assert (stored.financial_year, stored.period_part, stored.include_unverified) == (2024, "H1", False)
    assert json.loads(stored.totals_json) == preview.totals
    frozen = json.loads(stored.values_json)
    assert len(frozen) == 144 and {item["quarter"] for item in frozen} == {1, 2}
    assert sum(item["values"]["victims_supported"] for item in frozen) == preview.totals["victims_supported"]
    assert len(locks) == 144
    assert {e.who for e in locks} == {"a.officer"}
    assert all("final MoJ return for 2024/25 H1" in e.reason for e in locks)
    assert [s.id for s in list_submissions(demo_db)] == [record.id]
    assert get_submission(demo_db, record.id).sha256 == record.sha256
    assert sorted(p.name for p in out.iterdir()) == [target.name]  # no staging file left


def test_compare_with_now_shows_a_reopened_and_edited_value_then_and_now(demo_db, out):
    record = final_export(demo_db, YEAR_2022, out / "2022-23.xlsx")
    assert compare_with_now(demo_db, record.id).unchanged
    reference, quarter, before = _reopen_and_edit(demo_db, YEAR_2022)
    comparison = compare_with_now(demo_db, record.id)
    assert len(comparison.changes) == 1
    change = comparison.changes[0]
    assert (change.strand_ref, change.quarter, change.measure_label) == (reference, f"2022/23 Q{quarter}", "Victims supported")
    assert (change.then, change.now, change.kind) == (before, before + 5, "changed")
    totals = {t.key: t for t in comparison.totals}
    assert (totals["victims_supported"].then, totals["victims_supported"].now) == (90_793, 90_798)
    assert all(t.then == t.now for k, t in totals.items() if k != "victims_supported")
    assert [(r.strand_ref, r.status) for r in comparison.reopened] == [(reference, "Submitted")]


def test_compare_with_now_lists_returns_added_and_removed_since(demo_db, out):
    period = ExportPeriod.parse("2024/25")
    record = final_export(demo_db, period, out / "2024-25.xlsx")
    with demo_db.transaction(reason="Q4 return checked") as session:
        late = session.scalars(
            select(Return).join(Return.period).join(Return.strand)
            .where(ReturnPeriod.financial_year == 2024, ReturnPeriod.quarter == 4,
                   Return.status == ReturnStatus.SUBMITTED)
            .order_by(Strand.reference).limit(1)
        ).one()
        late.status = ReturnStatus.VERIFIED
        late_values = {v.measure.key: v.value for v in late.values}
        gone = session.scalars(
            select(Return).join(Return.period).join(Return.strand)
            .where(ReturnPeriod.financial_year == 2024, ReturnPeriod.quarter == 1).order_by(Strand.reference).limit(1)
        ).one()
        gone_ref, gone_values = gone.strand.reference, {v.measure.key: v.value for v in gone.values}
        session.delete(gone)
    comparison = compare_with_now(demo_db, record.id)
    added = [c for c in comparison.changes if c.kind == "added"]
    removed = [c for c in comparison.changes if c.kind == "removed"]
    assert {c.measure_key: c.now for c in added} == late_values
    assert {c.quarter for c in added} == {"2024/25 Q4"}
    assert {c.measure_key: c.then for c in removed} == gone_values and {c.strand_ref for c in removed} == {gone_ref}
    assert (gone_ref, "Deleted") in [(r.strand_ref, r.status) for r in comparison.reopened]
    victims = next(t for t in comparison.totals if t.key == "victims_supported")
    assert victims.difference == late_values["victims_supported"] - gone_values["victims_supported"]


def test_a_database_refusal_records_nothing_locks_nothing_and_keeps_the_old_file(demo_db, out):
    with demo_db.engine.begin() as connection:
        # A real failure of the database in the middle of the transaction, not a mock.
        connection.execute(text(
            "CREATE TRIGGER refuse_submission BEFORE INSERT ON submission "
            "BEGIN SELECT RAISE(ABORT, 'disk quota exceeded'); END"
        ))
    target = out / "return.xlsx"
    target.write_bytes(b"the file sent last time")
    with pytest.raises(SubmissionNotRecorded) as refused:
        final_export(demo_db, H1_2024, target, signed_off_by=CFO)
    message = str(refused.value)
    assert "could not be recorded" in message and "disk quota exceeded" in message
    assert "no return was locked" in message
    assert _statuses(demo_db, H1_2024) == {ReturnStatus.VERIFIED: 144}
    assert _submission_count(demo_db) == 0
    assert target.read_bytes() == b"the file sent last time"
    assert [p.name for p in out.iterdir()] == ["return.xlsx"]


def test_a_commit_that_fails_after_the_file_moved_puts_the_old_file_back(demo_db, out):
    with demo_db.engine.begin() as connection:
        # A deferred foreign key is checked only at COMMIT: a real failure after the flush and
        # after the workbook has been moved into place.
        connection.execute(text(
            "CREATE TABLE commit_guard (id INTEGER PRIMARY KEY, "
            "ref INTEGER REFERENCES submission(id) DEFERRABLE INITIALLY DEFERRED)"
        ))
        connection.execute(text(
            "CREATE TRIGGER fail_at_commit AFTER INSERT ON submission "
            "BEGIN INSERT INTO commit_guard (ref) VALUES (-1); END"
        ))
    target = out / "return.xlsx"
    target.write_bytes(b"the file sent last time")
    with pytest.raises(SubmissionNotRecorded, match="is as it was before"):
        final_export(demo_db, H1_2024, target, signed_off_by=CFO)
    assert target.read_bytes() == b"the file sent last time"
    assert _statuses(demo_db, H1_2024) == {ReturnStatus.VERIFIED: 144}
    assert _submission_count(demo_db) == 0
    assert [p.name for p in out.iterdir()] == ["return.xlsx"]


def test_a_figure_changed_while_the_file_is_written_stops_the_final_export(demo_db, out):
    polls = []

    def cancelled() -> bool:
        polls.append(1)
        if len(polls) == 5:  # a colleague saves a correction while the sheets are being written
            with demo_db.transaction(reason="late correction") as session:
                value = session.scalars(
                    select(ReturnValue).join(ReturnValue.return_).join(Return.period)
                    .where(ReturnPeriod.financial_year == 2024, ReturnPeriod.quarter == 1).limit(1)
                ).one()
                value.value += 1
        return False

    with pytest.raises(SubmissionNotRecorded, match="changed while the workbook was being written"):
        final_export(demo_db, H1_2024, out / "return.xlsx", cancelled=cancelled, signed_off_by=CFO)
    assert _statuses(demo_db, H1_2024) == {ReturnStatus.VERIFIED: 144}
    assert _submission_count(demo_db) == 0
    assert list(out.iterdir()) == []


def test_a_final_export_of_an_empty_period_or_to_a_folder_changes_nothing(demo_db, out):
    with pytest.raises(NothingToExportError, match="2021/22 has no verified or locked returns"):
        final_export(demo_db, ExportPeriod.parse("2021/22"), out / "empty.xlsx")
    folder = out / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(WorkbookWriteError, match="folder"):
        final_export(demo_db, H1_2024, folder)
    plain = out / "notes.txt"
    plain.write_bytes(b"kept")
    with pytest.raises(WorkbookWriteError) as refused:
        final_export(demo_db, H1_2024, plain / "return.xlsx", signed_off_by=CFO)
    assert str(refused.value).startswith(f"Cannot save {plain / 'return.xlsx'}:") and ".~" not in str(refused.value)
    assert plain.read_bytes() == b"kept"
    assert _statuses(demo_db, H1_2024) == {ReturnStatus.VERIFIED: 144}
    assert _submission_count(demo_db) == 0 and sorted(p.name for p in out.iterdir()) == ["folder.xlsx", "notes.txt"]


def test_an_unknown_submission_is_a_clear_refusal(demo_db):
    with pytest.raises(RecordNotFound, match="no submission 42"):
        compare_with_now(demo_db, 42)
    with pytest.raises(RecordNotFound):
        get_submission(demo_db, 42)
    assert list_submissions(demo_db) == []
