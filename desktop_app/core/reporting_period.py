"""The current reporting period: the quarter whose returns an officer is working on today.

Every page with periods opens on it, so the Dashboard, Returns, Strands, Finance and Exports
agree on "now" rather than each choosing its own year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from desktop_app.core.periods import Quarter

Span = tuple[dt.date, dt.date | None]  # a strand's first and last day (None: no end yet)


def reporting_quarter(spans: Iterable[Span], today: dt.date) -> Quarter | None:
    """The latest quarter with returns due: ended by `today`, with some strand running in it.

    Returns fall due once a quarter ends, so the quarter running today has none due yet; a
    strand that ended long ago leaves its last quarter current. Before any strand's first
    quarter has ended, its first quarter (the one the officer is setting up); None without
    strands."""
    spans = list(spans)
    if not spans:
        return None
    first = Quarter.containing(min(start for start, _end in spans))
    latest = Quarter.containing(today).previous()
    while latest >= first:
        if any(start <= latest.end and (end is None or end >= latest.start) for start, end in spans):
            return latest
        latest = latest.previous()
    return first
