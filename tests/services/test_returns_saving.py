"""The return form's data and saving one return: checked by the engine, all or nothing, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desktop_app.core.periods import Quarter
from desktop_app.core.return_checks import (
    LEFT_EMPTY,
    RETURN_NOTE,
    RULE_BROKEN,
    UNUSUAL_VALUE,
)
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import RETURNS
from desktop_app.services.returns import (
    ReturnLocked,
    ReturnRefused,
    StatusRefused,
    StrandNotRunning,
    return_form,
    save_return,
    set_status,
)
from desktop_app.store.models import AuditEvent, Return, ReturnPeriod, ReturnValue
from tests.services.test_strands import add_provider, add_strand, add_stream

Q = Quarter.parse
GOOD = {
    "victims_supported": "100",
    "idva_da_supported": "80",
    "isva_sa_supported": "0",
    "reported_before": "60",
    "reported_after": "2",
    "referred_mental_health": "3",
    "rj_supported": "0",
}


@pytest.fixture
def strand(db) -> int:
    """One IDVA strand running 1 Apr 2022 to 31 Mar 2025."""
    return add_strand(db, add_provider(db), add_stream(db))


def with_history(db, strand_id: int, quarters=("2023/24 Q4", "2024/25 Q1", "2024/25 Q2", "2024/25 Q3")) -> None:
    """Four quarters of steady figures (about 100 victims) before 2024/25 Q4."""
    for n, label in enumerate(quarters):
        save_return(db, strand_id, Q(label), {**GOOD, "victims_supported": str(96 + 3 * n)})


def count(db, model) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def stored(db, strand_id: int, quarter: Quarter) -> dict[str, int]:
    return {f.key: f.value for f in return_form(db, strand_id, quarter).fields if f.value is not None}


# ---------------------------------------------------------------- the form's data


def test_the_form_for_a_quarter_with_no_return_shows_every_measure_empty_and_missing(db, strand):
    form = return_form(db, strand, Q("2024/25 Q1"))
    assert (form.return_id, form.status, form.status_words) == (None, None, "Missing")
    assert form.editable and form.strand_runs and form.next_steps == ()
    assert form.strand_reference == "WY-001" and form.provider_name == "Bradford Women's Aid"
    assert form.period_label == "2024/25 Q1"
    assert [f.key for f in form.fields][:2] == ["victims_supported", "idva_da_supported"]
    assert form.fields[1].label == "Domestic abuse victims supported by IDVAs"
    assert "Independent Domestic Violence Adviser" in form.fields[1].help_text
    assert all(f.value is None and f.previous == (None,) * 4 for f in form.fields)


def test_the_form_shows_the_previous_four_quarters_beside_each_input(db, strand):
    with_history(db, strand)
    form = return_form(db, strand, Q("2024/25 Q4"))
    assert [q.label for q in form.previous_quarters] == ["2023/24 Q4", "2024/25 Q1", "2024/25 Q2", "2024/25 Q3"]
    assert form.fields[0].previous == (96, 99, 102, 105)
    # The form checks as the officer types, with the same engine and history the save uses.
    check = form.check({**GOOD, "victims_supported": "900"})
    assert [w.kind for w in check.warnings] == [UNUSUAL_VALUE]


# ---------------------------------------------------------------- saving


def test_saving_a_new_return_creates_its_period_and_figures_and_is_audited(db, strand):
    result = save_return(db, strand, Q("2024/25 Q1"), {**GOOD, "rj_supported": ""}, who="officer.a")
    assert result.created and result.status is ReturnStatus.DRAFT and result.changed.touches(RETURNS)
    assert stored(db, strand, Q("2024/25 Q1")) == {k: int(v) for k, v in GOOD.items() if k != "rj_supported"}
    assert count(db, ReturnPeriod) == 1
    with db.reading() as session:
        who = set(session.scalars(select(AuditEvent.who).where(AuditEvent.entity.in_(("return", "return_value")))))
    assert who == {"officer.a"}


def test_saving_refuses_idva_over_supported_with_the_readable_message_and_writes_nothing(db, strand):
    before = count(db, AuditEvent)
    with pytest.raises(ReturnRefused) as refused:
        save_return(db, strand, Q("2024/25 Q1"), {**GOOD, "idva_da_supported": "120"})
    assert "Domestic abuse victims supported by IDVAs (120) is more than victims supported (100)" in str(refused.value)
    assert [p.kind for p in refused.value.problems] == [RULE_BROKEN]
    assert refused.value.check.values["idva_da_supported"] == 120
    assert (count(db, Return), count(db, ReturnPeriod), count(db, ReturnValue)) == (0, 0, 0)
    assert count(db, AuditEvent) == before


@pytest.mark.parametrize("typed", ["12.5", "-4", "=B2*2", "lots"])
def test_saving_refuses_a_figure_that_is_not_a_count_and_keeps_the_stored_one(db, strand, typed):
    save_return(db, strand, Q("2024/25 Q1"), GOOD)
    with pytest.raises(ReturnRefused, match="Victims supported: "):
        save_return(db, strand, Q("2024/25 Q1"), {"victims_supported": typed})
    assert stored(db, strand, Q("2024/25 Q1"))["victims_supported"] == 100


def test_a_figure_far_from_the_strands_history_is_saved_with_its_warning_and_verified_only_with_a_note(db, strand):
    # One policy everywhere (the template import's): a warning never stops a save; it stops
    # verifying until it has a note.
    with_history(db, strand)
    q4 = Q("2024/25 Q4")
    result = save_return(db, strand, q4, {**GOOD, "victims_supported": "400"}, status=ReturnStatus.SUBMITTED,
                         received_date=dt.date(2025, 4, 10))
    assert [w.kind for w in result.check.warnings] == [UNUSUAL_VALUE]
    assert stored(db, strand, q4)["victims_supported"] == 400
    with pytest.raises(ReturnRefused, match=r"not verified: add a note to each warning first\.\n.*more than three "
                       r"times this strand's median over its last 4 quarters \(100.5\)"):
        save_return(db, strand, q4, {}, status=ReturnStatus.VERIFIED)
    with pytest.raises(ReturnRefused, match="more than three times"):
        set_status(db, result.return_id, ReturnStatus.VERIFIED)
    assert return_form(db, strand, q4).status is ReturnStatus.SUBMITTED
    save_return(db, strand, q4, {}, {"victims_supported": "New outreach surgery opened."}, status=ReturnStatus.VERIFIED)
    form = return_form(db, strand, q4)
    assert form.fields[0].note == "New outreach surgery opened." and form.status is ReturnStatus.VERIFIED


def test_a_measure_left_empty_that_was_reported_last_quarter_is_saved_and_needs_a_note_to_verify(db, strand):
    with_history(db, strand)
    q4 = Q("2024/25 Q4")
    result = save_return(db, strand, q4, {**GOOD, "referred_mental_health": None}, status=ReturnStatus.SUBMITTED,
                         received_date=dt.date(2025, 4, 10))
    assert "referred_mental_health" not in stored(db, strand, q4)
    with pytest.raises(ReturnRefused) as refused:
        set_status(db, result.return_id, ReturnStatus.VERIFIED)
    assert [p.kind for p in refused.value.problems] == [LEFT_EMPTY]
    assert refused.value.problems[0].note_key == RETURN_NOTE
    save_return(db, strand, q4, {}, return_notes="Not recorded: system change.")
    set_status(db, result.return_id, ReturnStatus.VERIFIED)
    assert return_form(db, strand, q4).notes == "Not recorded: system change."


def test_clearing_a_figure_deletes_its_row_so_it_reads_as_not_collected_not_zero(db, strand):
    q1 = Q("2024/25 Q1")
    save_return(db, strand, q1, GOOD)
    save_return(db, strand, q1, {"rj_supported": "", "isva_sa_supported": None})
    assert set(stored(db, strand, q1)) == set(GOOD) - {"rj_supported", "isva_sa_supported"}
    assert count(db, ReturnValue) == 5


def test_a_locked_return_cannot_be_saved(db, strand):
    q1 = Q("2024/25 Q1")
    result = save_return(db, strand, q1, GOOD)
    with db.transaction() as session:
        session.get(Return, result.return_id).status = ReturnStatus.LOCKED
    with pytest.raises(ReturnLocked, match="A locked return cannot be changed; reopen it with a reason first."):
        save_return(db, strand, q1, {"victims_supported": "101"})
    assert stored(db, strand, q1)["victims_supported"] == 100


def test_editing_a_verified_returns_figures_sends_it_back_to_submitted(db, strand):
    q1 = Q("2024/25 Q1")
    save_return(db, strand, q1, GOOD, status=ReturnStatus.SUBMITTED)
    save_return(db, strand, q1, {}, status=ReturnStatus.VERIFIED)
    assert save_return(db, strand, q1, {"victims_supported": "101"}).status is ReturnStatus.SUBMITTED
    # Saving with nothing changed leaves it as it is.
    save_return(db, strand, q1, {}, status=ReturnStatus.VERIFIED)
    same = save_return(db, strand, q1, {"victims_supported": "101"})
    assert same.status is ReturnStatus.VERIFIED and not same.changed


def test_a_return_marked_submitted_gets_todays_date_as_received_unless_one_is_given(db, strand):
    day = dt.date(2024, 7, 20)
    save_return(db, strand, Q("2024/25 Q1"), GOOD, status=ReturnStatus.SUBMITTED, today=day)
    assert return_form(db, strand, Q("2024/25 Q1")).received_date == day
    given = dt.date(2024, 7, 12)
    save_return(db, strand, Q("2024/25 Q2"), GOOD, status=ReturnStatus.SUBMITTED, received_date=given, today=day)
    assert return_form(db, strand, Q("2024/25 Q2")).received_date == given


def test_a_new_return_cannot_start_verified(db, strand):
    with pytest.raises(StatusRefused, match="starts as a draft or as submitted"):
        save_return(db, strand, Q("2024/25 Q1"), GOOD, status=ReturnStatus.VERIFIED)
    assert count(db, Return) == 0


def test_no_return_can_be_saved_for_a_quarter_the_strand_does_not_run_in(db, strand):
    with pytest.raises(StrandNotRunning, match="does not run in 2025/26 Q1"):
        save_return(db, strand, Q("2025/26 Q1"), GOOD)
    assert not return_form(db, strand, Q("2025/26 Q1")).editable


def test_an_officers_edit_makes_a_copied_draft_their_own(db, strand):
    from desktop_app.services.returns import copy_last_quarter

    save_return(db, strand, Q("2024/25 Q1"), GOOD)
    copy_last_quarter(db, strand, Q("2024/25 Q2"))
    assert return_form(db, strand, Q("2024/25 Q2")).copied_from_previous
    unchanged = save_return(db, strand, Q("2024/25 Q2"), {"victims_supported": "100"})
    assert not unchanged.changed and return_form(db, strand, Q("2024/25 Q2")).copied_from_previous
    save_return(db, strand, Q("2024/25 Q2"), {"victims_supported": "104"})
    assert not return_form(db, strand, Q("2024/25 Q2")).copied_from_previous
