"""Two officers on one server database, one claim: no save silently overwrites the other's.

Each officer is a copy of the program with its own pool (`open_database(URL)` twice). The race
inside the server is made certain as in test_concurrent_edits: a third connection holds the
claim's row until both copies are seen waiting for it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.services.allocations import set_allocations
from desktop_app.services.errors import StaleRecordError
from desktop_app.services.finance import ClaimDraft, claims_grid, list_claims, save_claim, save_claims_grid
from desktop_app.store.database import open_database
from tests.postgres.test_concurrent_edits import _race
from tests.services.test_strands import add_provider, add_strand, add_stream

Q2 = Quarter(FinancialYear(2023), 2)


def _draft(strand_id: int, staff: str) -> ClaimDraft:
    return ClaimDraft(strand_id, Q2, Q2.end, {"staff": staff}, "£10,000")


def _claim(db):
    [claim] = list_claims(db, Q2.year, quarter=2)
    return claim


@pytest.fixture
def officers(pg_url, people):
    """Two officers' copies of the program, each with its own login, on one server database holding
    a strand with a claim for Q2 (the trail names each save's login, whatever `who` says)."""
    with open_database(pg_url) as owner:
        strand = add_strand(owner, add_provider(owner), add_stream(owner))
        set_allocations(owner, strand, {2023: 5_000_000})
    first = open_database(people.add("jsmith", "officer"))
    second = open_database(people.add("akhan", "officer"))
    save_claim(first, _draft(strand, "£1,000"), who="jsmith")
    yield first, second, strand
    first.close()
    second.close()


def test_a_claim_saved_on_one_copy_makes_the_other_copys_form_stale(officers):
    first, second, strand = officers
    opened = _claim(second)
    save_claim(first, _draft(strand, "£1,200"), opened.id, who="jsmith", version=opened.version)

    with pytest.raises(StaleRecordError, match="^Claim WY-001 2023/24 Q2 was changed by jsmith at "):
        save_claim(second, _draft(strand, "£9,999"), opened.id, who="akhan", version=opened.version)
    assert _claim(first).amount_pence == 120_000


def test_a_grid_loaded_on_one_copy_is_refused_after_a_save_on_the_other(officers):
    first, second, strand = officers
    grid = claims_grid(second, Q2)
    opened = _claim(first)
    save_claim(first, _draft(strand, "£1,200"), opened.id, who="jsmith", version=opened.version)

    with pytest.raises(StaleRecordError, match="changed by jsmith"):
        save_claims_grid(second, grid, {strand: {"staff": "£9,999"}}, who="akhan")
    assert _claim(second).amount_pence == 120_000


def test_two_claim_saves_racing_inside_the_server_the_second_is_refused_not_laid_over(officers):
    first, second, strand = officers
    loaded = _claim(first)
    results = _race(
        first,
        "SELECT id FROM claim WHERE id = :id FOR UPDATE",
        {"id": loaded.id},
        [
            lambda: save_claim(first, _draft(strand, "£1,040"), loaded.id, who="jsmith", version=loaded.version),
            lambda: save_claim(second, _draft(strand, "£1,110"), loaded.id, who="akhan", version=loaded.version),
        ],
    )
    refused = [r for r in results if isinstance(r, StaleRecordError)]
    saved = [r for r in results if not isinstance(r, BaseException)]
    assert len(refused) == 1 and len(saved) == 1, results
    winner = "jsmith" if isinstance(results[1], StaleRecordError) else "akhan"
    assert f"was changed by {winner} at " in str(refused[0])
    assert _claim(first).amount_pence == (104_000 if winner == "jsmith" else 111_000)
    assert _claim(first).version == loaded.version + 1
