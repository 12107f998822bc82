"""Two officers on one server database at once: no save silently overwrites another's.

Each officer is a copy of the program with its own connection pool (`open_database(URL)` twice),
as two laptops would be. Races inside the server are made certain, not left to timing: a third
connection holds the row (or the unique key) both copies need, both copies are seen waiting in
`pg_stat_activity`, and only then is it let go.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, select, text

from desktop_app.core.periods import Quarter
from desktop_app.services.errors import StaleRecordError
from desktop_app.services.providers import get_provider, save_provider
from desktop_app.services.returns import return_form, save_return
from desktop_app.services.templates import ImportRefused, commit_import, make_templates, preview_import
from desktop_app.services.workspace import Workspace
from desktop_app.store.database import open_database
from desktop_app.store.models import Return
from desktop_app.ui.pages.returns.form import ReturnDialog
from tests.conftest import REPO_ROOT
from tests.postgres.conftest import APP_ROLE
from tests.excel.test_templates import fill_template
from tests.services.test_returns_saving import GOOD
from tests.services.test_strands import add_provider, add_strand, add_stream

Q3 = Quarter.parse("2024/25 Q3")
WAIT_S = 120  # a generous limit for the waits below; nothing is asserted about time


@pytest.fixture
def officers(pg_url, people):
    """Two officers' copies of the program, each with its own login (jsmith, akhan), on one new
    server database holding one provider and strand."""
    with open_database(pg_url) as owner:
        strand = add_strand(owner, add_provider(owner), add_stream(owner))
    first = open_database(people.add("jsmith", "officer"))
    second = open_database(people.add("akhan", "officer"))
    yield first, second, strand
    first.close()
    second.close()


def _waiting_for_locks(db, count: int) -> None:
    """Until `count` other connections of this database are waiting for a lock."""
    deadline = time.monotonic() + WAIT_S
    # An officer's login does not see what other logins' sessions wait for; the owner's does.
    owner = create_engine(db.url.set(username=APP_ROLE))
    try:
        _wait(owner, count, deadline)
    finally:
        owner.dispose()


def _wait(owner, count: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with owner.connect() as connection:
            waiting = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND wait_event_type = 'Lock'")
            ).scalar()
        if waiting >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{count} copies never waited for the held row")


def _race(db, hold_sql: str, params: dict, saves: list[Callable[[], object]]) -> list[object]:
    """Run `saves` in threads while a third connection holds what they need; then let go.
    Returns what each returned or raised."""
    results: list[object] = [None] * len(saves)

    def run(i: int) -> None:
        try:
            results[i] = saves[i]()
        except BaseException as error:  # noqa: BLE001 - the test looks at what each got
            results[i] = error

    with db.engine.connect() as holder:
        holder.execute(text(hold_sql), params)
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(saves))]
        for thread in threads:
            thread.start()
        _waiting_for_locks(db, len(saves))
        holder.rollback()
    for thread in threads:
        thread.join(WAIT_S)
    return results


def _return_id(db, strand: int) -> int:
    return return_form(db, strand, Q3).return_id


# ---------------------------------------------------------------- the form, two officers


def test_officer_bs_form_opened_before_as_save_is_refused_and_keeps_bs_figures(qtbot, officers):
    first, second, strand = officers
    save_return(first, strand, Q3, GOOD)
    a = ReturnDialog(Workspace(first), strand, Q3)
    b = ReturnDialog(Workspace(second), strand, Q3)
    for dialog in (a, b):
        qtbot.addWidget(dialog)
        dialog.show()
    a.inputs["victims_supported"].edit.setText("104")
    a.save_button.click()
    assert not a.isVisible()

    b.inputs["victims_supported"].edit.setText("111")
    b.inputs["reported_after"].edit.setText("5")
    b.save_button.click()

    assert b.isVisible() and b.reload_button.isVisible()
    assert "Return WY-001 2024/25 Q3 was changed by " in b.problem.text()
    assert b.problem.text().endswith("what you typed is still in the form.")
    assert (b.inputs["victims_supported"].edit.text(), b.inputs["reported_after"].edit.text()) == ("111", "5")
    stored = return_form(second, strand, Q3).values
    assert (stored["victims_supported"], stored["reported_after"]) == (104, 2)  # A's figures kept
    b.reload_button.click()
    assert b.inputs["victims_supported"].edit.text() == "104"


def test_two_saves_racing_inside_the_server_the_second_is_refused_not_laid_over(officers):
    first, second, strand = officers
    save_return(first, strand, Q3, GOOD)
    loaded = return_form(first, strand, Q3).version
    results = _race(
        first,
        'SELECT id FROM "return" WHERE id = :id FOR UPDATE',
        {"id": _return_id(first, strand)},
        [
            lambda: save_return(first, strand, Q3, {"victims_supported": "104"}, who="jsmith", version=loaded),
            lambda: save_return(second, strand, Q3, {"victims_supported": "111"}, who="akhan", version=loaded),
        ],
    )
    refused = [r for r in results if isinstance(r, StaleRecordError)]
    saved = [r for r in results if not isinstance(r, BaseException)]
    assert len(refused) == 1 and len(saved) == 1, results
    winner = "jsmith" if isinstance(results[1], StaleRecordError) else "akhan"
    assert f"was changed by {winner} at " in str(refused[0])
    assert return_form(first, strand, Q3).values["victims_supported"] == (104 if winner == "jsmith" else 111)


def test_two_officers_creating_the_same_return_at_once_the_second_is_refused(officers, pg_url):
    first, second, strand = officers
    with open_database(pg_url) as owner:  # a funding stream is finance's to add, not an officer's
        other = add_strand(owner, add_provider(owner, "Leeds Survivors' Network"), add_stream(owner, "Core grant"),
                           reference="WY-002")
    save_return(first, other, Q3, GOOD)  # the quarter's period row exists; WY-001 has no return yet
    with first.reading() as session:
        period = session.scalar(select(Return.period_id))
    results = _race(
        first,
        # Holding the very key both inserts need makes each wait on it.
        'INSERT INTO "return" (strand_id, period_id, status, notes, copied_from_previous, version) '
        "VALUES (:strand, :period, 'draft', '', false, 1)",
        {"strand": strand, "period": period},
        [
            lambda: save_return(first, strand, Q3, GOOD, who="jsmith", version=0),
            lambda: save_return(second, strand, Q3, {**GOOD, "victims_supported": "120"}, who="akhan", version=0),
        ],
    )
    refused = [r for r in results if isinstance(r, StaleRecordError)]
    assert len(refused) == 1 and sum(not isinstance(r, BaseException) for r in results) == 1, results
    assert "Return WY-001 2024/25 Q3 was changed by " in str(refused[0])


def test_a_provider_saved_by_both_officers_at_once_keeps_the_first_and_refuses_the_second(officers):
    first, second, _strand = officers
    provider = get_provider(first, 1)
    results = _race(
        first,
        "SELECT id FROM provider WHERE id = :id FOR UPDATE",
        {"id": provider.id},
        [
            lambda: save_provider(first, replace(provider.draft, notes="A"), provider.id, who="jsmith",
                                  version=provider.version),
            lambda: save_provider(second, replace(provider.draft, notes="B"), provider.id, who="akhan",
                                  version=provider.version),
        ],
    )
    assert sorted(type(r).__name__ for r in results) == ["StaleRecordError", "tuple"], results
    kept = get_provider(second, provider.id).notes
    assert kept == ("A" if isinstance(results[1], StaleRecordError) else "B")


def test_a_status_change_racing_a_figure_save_is_one_clear_refusal_not_a_traceback(officers):
    from desktop_app.core.vocabulary import ReturnStatus
    from desktop_app.services.errors import REFUSALS
    from desktop_app.services.returns import set_status

    first, second, strand = officers
    save_return(first, strand, Q3, GOOD, status=ReturnStatus.SUBMITTED)
    loaded = return_form(first, strand, Q3).version
    results = _race(
        first,
        'SELECT id FROM "return" WHERE id = :id FOR UPDATE',
        {"id": _return_id(first, strand)},
        [
            lambda: save_return(first, strand, Q3, {"victims_supported": "104"}, who="jsmith", version=loaded),
            lambda: set_status(second, (strand, Q3), ReturnStatus.VERIFIED, who="akhan"),
        ],
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], REFUSALS), results  # shown as a message
    assert isinstance(refused[0], StaleRecordError), refused  # a ServiceError: every page shows it
    assert "was changed by " in str(refused[0])


# ---------------------------------------------------------------- two copies importing the same quarter


def test_two_copies_committing_imports_of_one_quarter_at_once_the_second_is_refused_whole(officers, tmp_path):
    first, second, strand = officers
    save_return(first, strand, Q3, GOOD)
    (path,) = make_templates(first, Q3, tmp_path / "out").paths
    fill_template(path, {"WY-001": {"Victims supported": 104}})
    other = tmp_path / "other.xlsx"
    other.write_bytes(path.read_bytes())
    fill_template(other, {"WY-001": {"Victims supported": 111}})
    previews = preview_import(first, [path]), preview_import(second, [other])
    results = _race(
        first,
        'SELECT id FROM "return" WHERE id = :id FOR UPDATE',
        {"id": _return_id(first, strand)},
        [lambda: commit_import(first, previews[0], who="jsmith"), lambda: commit_import(second, previews[1], who="akhan")],
    )
    refused = [r for r in results if isinstance(r, ImportRefused)]
    assert len(refused) == 1 and sum(not isinstance(r, BaseException) for r in results) == 1, results
    assert "the figures changed since your preview: preview again" in str(refused[0])
    winner = 104 if isinstance(results[1], ImportRefused) else 111
    assert return_form(first, strand, Q3).values["victims_supported"] == winner


def test_two_copies_importing_a_quarter_with_no_returns_yet_give_one_clean_refusal(officers, tmp_path, pg_url):
    first, second, strand = officers
    with open_database(pg_url) as owner:  # a funding stream is finance's to add, not an officer's
        other = add_strand(owner, add_provider(owner, "Leeds Survivors' Network"), add_stream(owner, "Core grant"),
                           reference="WY-002")
    save_return(first, other, Q3, GOOD)
    (path,) = make_templates(first, Q3, tmp_path / "out", provider="Bradford Women's Aid").paths
    fill_template(path, {"WY-001": {label: 3 for label in ("Victims supported",)}})
    previews = preview_import(first, [path]), preview_import(second, [path])
    assert all(p.to_write for p in previews)
    with first.reading() as session:
        period = session.scalar(select(Return.period_id))
    results = _race(
        first,
        'INSERT INTO "return" (strand_id, period_id, status, notes, copied_from_previous, version) '
        "VALUES (:strand, :period, 'draft', '', false, 1)",
        {"strand": strand, "period": period},
        [lambda: commit_import(first, previews[0]), lambda: commit_import(second, previews[1])],
    )
    refused = [r for r in results if isinstance(r, ImportRefused)]
    assert len(refused) == 1 and sum(not isinstance(r, BaseException) for r in results) == 1, results
    assert "the figures changed since your preview: preview again" in str(refused[0])


# ---------------------------------------------------------------- two copies building the demo


def test_two_copies_building_the_demo_into_one_empty_server_database_give_one_clear_refusal(pg_url):
    open_database(pg_url).close()  # migrated first, so the two copies race on the demo alone
    copies = [
        subprocess.Popen([sys.executable, "-m", "desktop_app", "--database-url", pg_url, "demo"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT)
        for _ in range(2)
    ]
    finished = [copy.communicate(timeout=600) for copy in copies]
    codes = sorted(copy.returncode for copy in copies)
    outputs = "\n".join(out + err for out, err in finished)
    assert codes == [0, 1], outputs
    assert "Traceback" not in outputs
    refusal = next(err for (out, err), copy in zip(finished, copies) if copy.returncode == 1)
    assert "already holds the demo data; nothing was changed." in refusal
