"""Ceilings in team mode: every ceiling fits the server's 32-bit integers, so a figure the engine
lets through is one PostgreSQL can store, and one past it is refused in words, never with
"integer out of range"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop_app.core.periods import Quarter
from desktop_app.services.returns import ReturnRefused, return_form, save_return
from desktop_app.services.strands import get_strand, set_allocations
from desktop_app.store.models import Measure
from tests.postgres.test_team_database import pg_db, strand_return  # noqa: F401 - a server database with one return

Q1 = Quarter.parse("2022/23 Q1")


def test_counts_at_and_past_the_ceiling_on_the_server(pg_db, strand_return):  # noqa: F811
    with pg_db.reading() as session:
        ceilings = dict(session.execute(select(Measure.key, Measure.ceiling)).all())
    assert all(0 < ceiling <= 2**31 - 1 for ceiling in ceilings.values())  # the server's integer
    assert ceilings["victims_supported"] == 1_000_000
    for typed in (str(2**31), str(2**63), "99999999999999999999"):
        with pytest.raises(ReturnRefused, match=r"at most 1,000,000"):
            save_return(pg_db, strand_return["strand"], Q1, {"victims_supported": typed})
    save_return(pg_db, strand_return["strand"], Q1, {"victims_supported": "1,000,000"})
    assert return_form(pg_db, strand_return["strand"], Q1).values["victims_supported"] == 1_000_000


def test_the_largest_allowed_amount_is_stored_by_the_server(pg_db, strand_return):  # noqa: F811
    set_allocations(pg_db, strand_return["strand"], {2022: 2_000_000_000}, reason="the ceiling itself")
    assert get_strand(pg_db, strand_return["strand"]).allocations == {2022: 2_000_000_000}
