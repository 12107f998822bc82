"""The dashboard for a financial year: headline figures and the series behind its charts.

One call, `dashboard(db, year)`, reads everything the page draws and hands it back as plain
frozen dataclasses, so the page holds no SQL and a test can check every figure without Qt:

- `headlines`: victims supported, IDVA, ISVA, restorative justice and mental-health referrals
  (from `year_report`, so they equal the Panel report), returns complete and allocated against
  budget, each with its change against the previous year;
- `victims`: victims supported per quarter, stacked by service category;
- `providers`: the ten providers that supported most victims, then the rest summed;
- `money`: budget and allocation for every year of the funding streams;
- `completeness`: returns per quarter by state (locked ... overdue);
- `tiles`: every Police and Crime Plan indicator with its status in words.

`dashboard_years` lists the years there is something to show; `default_dashboard_year` picks
the one the page opens on (see its docstring for the rule).

`first_look` reads the headline figures and the charts' series the window paints first without
SQLAlchemy (see there); `charts` holds what the charts draw and the folds both readings share;
the rest is in `year`, imported on first use so that importing this package stays cheap.
"""

from __future__ import annotations

__all__ = [
    "COMPLETENESS_STATES",
    "OTHER_PROVIDERS",
    "OTHER_SERVICES",
    "CategorySeries",
    "Change",
    "CompletenessQuarter",
    "Dashboard",
    "Headline",
    "IndicatorTile",
    "ProviderBar",
    "QuarterlyVictims",
    "StreamMoney",
    "YearMoney",
    "dashboard",
    "dashboard_years",
    "default_dashboard_year",
]


def __getattr__(name: str):
    if not name.startswith("__") and name not in ("charts", "headlines", "year"):
        import importlib

        # The charts' and headlines' dataclasses need no ORM: only the rest loads `year` (and
        # SQLAlchemy).
        for module in ("charts", "headlines", "year"):
            found = importlib.import_module(f"{__name__}.{module}")
            if hasattr(found, name):
                return getattr(found, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
