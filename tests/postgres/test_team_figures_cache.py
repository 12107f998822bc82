"""Team mode: a year's figures cached in one copy move when another copy saves."""

from __future__ import annotations

from desktop_app.core.periods import FinancialYear
from desktop_app.services.demo import build_demo
from desktop_app.services.report import year_report
from desktop_app.services.returns import quarter_grid, save_grid
from desktop_app.store.database import open_database


def test_a_save_by_another_copy_shows_in_this_copys_year_figures(pg_url):
    mine, theirs = open_database(pg_url), open_database(pg_url)
    try:
        build_demo(mine)
        year = FinancialYear(2024)
        before = year_report(mine, year)
        assert year_report(mine, year) == before  # asked again: the same figures

        quarter = year.quarters()[0]
        row = next(r for r in quarter_grid(theirs, quarter).rows if r.return_id is not None)
        save_grid(theirs, quarter, {row.strand_id: {"victims_supported": row.values["victims_supported"] + 1}},
                  versions={row.strand_id: row.version})

        after = year_report(mine, year)
        # Their edit sent the return back to submitted: this copy no longer counts it.
        assert after.returns_counted == before.returns_counted - 1
        assert after.totals["victims_supported"] == before.totals["victims_supported"] - row.values["victims_supported"]
    finally:
        mine.close()
        theirs.close()
