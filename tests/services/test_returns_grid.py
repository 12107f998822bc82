"""The returns grid: a whole quarter of strands, checked cell by cell, saved all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from desktop_app.core.paste import parse_paste
from desktop_app.core.periods import Quarter
from desktop_app.core.return_checks import NOT_WHOLE, RETURN_NOTE, UNUSUAL_VALUE
from desktop_app.core.vocabulary import AuditAction, ReturnStatus
from desktop_app.services.changes import RETURNS
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.checks import run_checks
from desktop_app.services.returns import (
    GridRefused,
    ReturnRefused,
    quarter_grid,
    return_form,
    save_grid,
    set_status,
)
from desktop_app.store.models import AuditEvent, Return, ReturnValue

Q4 = Quarter.parse("2024/25 Q4")
Q3 = Quarter.parse("2024/25 Q3")


def count(db, model) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def last_quarters_figures(db) -> dict[int, dict[str, str]]:
    """Each strand's Q3 figures as text, as a provider spreadsheet would give them for Q4."""
    q3 = {row.strand_id: row.values for row in quarter_grid(db, Q3).rows}
    return {
        strand_id: {key: f"{value:,}" for key, value in values.items() if value is not None}
        for strand_id, values in q3.items()
    }


def commits(db) -> list[int]:
    found: list[int] = []
    event.listen(db.engine, "commit", lambda _connection: found.append(1))
    return found


def test_the_grid_has_a_row_per_strand_running_in_the_quarter_and_a_column_per_measure(demo_db):
    grid = quarter_grid(demo_db, Q4)
    with demo_db.reading() as session:
        asked = load_catalogue(session).measures_for(Q4.start, Q4.end)
    assert len(grid.rows) == 72 and [c.key for c in grid.columns] == [m.key for m in asked]
    assert [r.reference for r in grid.rows] == sorted(r.reference for r in grid.rows)
    missing = [r for r in grid.rows if r.status is None]
    assert missing and all(r.return_id is None and set(r.values.values()) == {None} for r in missing)
    # A strand with nothing typed has nothing to warn of.
    assert grid.check_row(missing[0]).problems == ()
    one = grid.rows[0]
    assert quarter_grid(demo_db, Q4, provider_id=one.provider_id).rows[0].provider_id == one.provider_id
    idva = quarter_grid(demo_db, Q4, service_category_key="idva").rows
    assert idva and {r.service_category_key for r in idva} == {"idva"}


def test_the_grid_model_checks_a_cell_as_it_lands_with_the_strands_history(demo_db):
    grid = quarter_grid(demo_db, Q4)
    row = next(r for r in grid.rows if r.status is ReturnStatus.SUBMITTED)
    check = grid.check_row(row, {"victims_supported": "12.5"})
    assert [(p.measure_key, p.kind) for p in check.errors] == [("victims_supported", NOT_WHOLE)]
    median = sorted(row.history.recent["victims_supported"])[1:3]
    check = grid.check_row(row, {"victims_supported": str(10 * sum(median))})
    assert [p.kind for p in check.warnings] == [UNUSUAL_VALUE]


def test_a_whole_quarter_of_72_strands_is_saved_in_one_transaction(demo_db):
    edits = last_quarters_figures(demo_db)
    commits_seen = commits(demo_db)
    changed = save_grid(demo_db, Q4, edits, who="officer.e")
    assert changed.touches(RETURNS) and len(commits_seen) == 1
    grid = quarter_grid(demo_db, Q4)
    assert all(r.return_id is not None for r in grid.rows)
    q3 = {row.strand_id: row.values for row in quarter_grid(demo_db, Q3).rows}
    assert all(r.values == q3[r.strand_id] for r in grid.rows)
    # New returns came in as submitted; drafts stay drafts until the officer moves them on.
    statuses = {r.status for r in grid.rows}
    assert statuses <= {ReturnStatus.SUBMITTED, ReturnStatus.DRAFT}
    assert run_checks(demo_db).ok


def test_one_bad_cell_means_nothing_in_the_grid_is_saved(demo_db):
    edits = last_quarters_figures(demo_db)
    bad = quarter_grid(demo_db, Q4).rows[5]
    edits[bad.strand_id] = {**edits[bad.strand_id], "victims_supported": "12.5"}
    before = (count(demo_db, Return), count(demo_db, ReturnValue), count(demo_db, AuditEvent))
    with pytest.raises(GridRefused) as refused:
        save_grid(demo_db, Q4, edits)
    assert list(refused.value.problems) == [bad.reference]
    assert f"{bad.reference}: Victims supported: '12.5' is not a whole number" in str(refused.value)
    assert refused.value.checks[bad.strand_id].errors[0].kind == NOT_WHOLE
    assert (count(demo_db, Return), count(demo_db, ReturnValue), count(demo_db, AuditEvent)) == before


def test_an_unexplained_warning_in_the_grid_is_saved_and_blocks_only_verifying_until_it_has_a_note(demo_db):
    grid = quarter_grid(demo_db, Q4)
    row = next(r for r in grid.rows if r.status is ReturnStatus.SUBMITTED)
    high = str(10 * max(row.history.recent["victims_supported"]))
    save_grid(demo_db, Q4, {row.strand_id: {"victims_supported": high}})  # saved, as the import saves it
    form = return_form(demo_db, row.strand_id, Q4)
    assert form.values["victims_supported"] == int(high) and form.status is ReturnStatus.SUBMITTED
    with pytest.raises(ReturnRefused, match="more than three times"):
        set_status(demo_db, form.return_id, ReturnStatus.VERIFIED)
    save_grid(demo_db, Q4, {}, {row.strand_id: {"victims_supported": "Two services merged this quarter."}})
    set_status(demo_db, form.return_id, ReturnStatus.VERIFIED)
    form = return_form(demo_db, row.strand_id, Q4)
    assert form.fields[0].note == "Two services merged this quarter." and form.status is ReturnStatus.VERIFIED


def test_a_locked_row_cannot_be_changed_but_pasting_its_own_figures_over_it_is_harmless(demo_db):
    q1 = Quarter.parse("2023/24 Q1")
    row = quarter_grid(demo_db, q1).rows[0]
    assert row.status is ReturnStatus.LOCKED and not row.editable
    same = {key: str(value) for key, value in row.values.items() if value is not None}
    assert not save_grid(demo_db, q1, {row.strand_id: same})
    with pytest.raises(GridRefused, match=f"{row.reference}: A locked return cannot be changed; reopen it"):
        save_grid(demo_db, q1, {row.strand_id: {"victims_supported": str(row.values["victims_supported"] + 1)}})


def test_a_pasted_block_with_thousands_separators_lands_as_numbers(db):
    from tests.services.test_strands import add_provider, add_strand, add_stream

    stream, provider = add_stream(db), add_provider(db)
    ids = [add_strand(db, provider, stream, reference=f"WY-00{n}", name=f"Service {n}") for n in (1, 2, 3)]
    block = parse_paste("1,234\t200\t0\t900\r\n50\t5\t0\t40\r\n2,000\t0\t10\t1,500\r\n")
    grid = quarter_grid(db, Q4)
    keys = [m.key for m in grid.columns][:4]
    edits = {strand_id: dict(zip(keys, cells)) for strand_id, cells in zip(ids, block)}
    save_grid(db, Q4, edits, {ids[0]: {RETURN_NOTE: "Keyed from the provider's spreadsheet"}})
    rows = quarter_grid(db, Q4).rows
    assert [r.values["victims_supported"] for r in rows] == [1234, 50, 2000]
    assert rows[0].return_notes == "Keyed from the provider's spreadsheet"
    assert [r.status for r in rows] == [ReturnStatus.SUBMITTED] * 3
    # Blank rows for strands with no return make no return.
    assert not save_grid(db, Quarter.parse("2024/25 Q3"), {ids[0]: {"victims_supported": ""}})


def test_a_grid_save_clears_adds_and_changes_figures_and_notes_and_names_the_returns_it_wrote(demo_db):
    grid = quarter_grid(demo_db, Q4)
    rows = [r for r in grid.rows if r.status is ReturnStatus.SUBMITTED][:3]
    checker = grid.checker
    free = [k for k in checker.keys if not checker.breakdowns_of(k) and not any(k in r.rule.keys for r in checker.rules)]
    cleared = next(k for k in free if rows[0].values[k] is not None)
    changed_row, noted_row, untouched = rows
    with demo_db.reading() as session:
        trail_before = session.scalar(select(func.max(AuditEvent.id)))
    changed = save_grid(
        demo_db, Q4,
        {changed_row.strand_id: {cleared: "", "victims_supported": str(changed_row.values["victims_supported"] + 1)},
         untouched.strand_id: {"victims_supported": str(untouched.values["victims_supported"])}},  # the same figure
        {noted_row.strand_id: {"victims_supported": "Checked with the provider."}},
        versions={r.strand_id: r.version for r in rows},
    )
    assert changed.touches(RETURNS) and changed.returns == {(changed_row.strand_id, Q4), (noted_row.strand_id, Q4)}
    after = {r.strand_id: r for r in quarter_grid(demo_db, Q4).rows}
    assert after[changed_row.strand_id].values[cleared] is None
    assert after[changed_row.strand_id].values["victims_supported"] == changed_row.values["victims_supported"] + 1
    assert after[noted_row.strand_id].notes["victims_supported"] == "Checked with the provider."
    assert after[noted_row.strand_id].values == noted_row.values
    assert after[untouched.strand_id].version == untouched.version
    assert {after[r.strand_id].version for r in (changed_row, noted_row)} == {changed_row.version + 1, noted_row.version + 1}
    with demo_db.reading() as session:
        trail = session.execute(
            select(AuditEvent.entity, AuditEvent.action, AuditEvent.field, AuditEvent.new_value)
            .where(AuditEvent.id > trail_before, AuditEvent.entity == "return_value")
        ).all()
    # A figure row deleted (not collected), one changed, one note given: each in the trail.
    assert {(a, f) for _e, a, f, _n in trail} >= {
        (AuditAction.DELETE, "value"), (AuditAction.UPDATE, "value"), (AuditAction.UPDATE, "note"),
    }
    assert "Checked with the provider." in {n for _e, _a, f, n in trail if f == "note"}
    assert run_checks(demo_db).ok


def test_a_grid_save_adds_a_figure_to_a_return_that_did_not_collect_it(demo_db):
    grid = quarter_grid(demo_db, Q4)
    row = next(r for r in grid.rows if r.status is ReturnStatus.SUBMITTED)
    checker = grid.checker
    free = next(k for k in checker.keys if row.values[k] is not None and not checker.breakdowns_of(k)
                and not any(k in r.rule.keys for r in checker.rules))
    save_grid(demo_db, Q4, {row.strand_id: {free: ""}})
    before = count(demo_db, ReturnValue)
    save_grid(demo_db, Q4, {row.strand_id: {free: "4"}})
    assert quarter_grid(demo_db, Q4).row_for(row.strand_id).values[free] == 4
    assert count(demo_db, ReturnValue) == before + 1
    assert run_checks(demo_db).ok


def test_a_catalogue_loaded_by_another_copy_while_the_grid_is_open_is_used_from_the_next_read(demo_db):
    """The period's checker is kept between saves, but not past a change of catalogue: on a
    server another (newer) copy may load one while this copy has the grid open."""
    from desktop_app.store.database import REFERENCE_HASH_KEY
    from desktop_app.store.models import Measure, Setting

    assert quarter_grid(demo_db, Q4).checker.label("victims_supported") == "Victims supported"
    with demo_db.transaction() as session:
        session.scalars(select(Measure).where(Measure.key == "victims_supported")).one().label = "Victims helped"
        session.get(Setting, REFERENCE_HASH_KEY).value = "another catalogue"
    grid = quarter_grid(demo_db, Q4)
    assert grid.checker.label("victims_supported") == "Victims helped"
    row = next(r for r in grid.rows if r.status is ReturnStatus.SUBMITTED)
    with pytest.raises(GridRefused, match="Victims helped"):
        save_grid(demo_db, Q4, {row.strand_id: {"victims_supported": "-1"}})
