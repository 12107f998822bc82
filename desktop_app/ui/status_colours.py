"""The colours of an indicator's judged status, shared by the Indicators page and the dashboard's tiles.

A colour-blind-safe set (after Okabe and Ito: blue, orange, vermilion) as light cell backgrounds
with dark text; the words are always shown beside them, so colour never carries the meaning alone.
"""

from __future__ import annotations

from desktop_app.core.indicator_status import Status

# (cell background, cell text, chart point) per judged status; monitor and no data have no colour.
STATUS_COLOURS: dict[Status, tuple[str, str, str]] = {
    Status.GREEN: ("#d6e9f8", "#0b3a5c", "#0072b2"),
    Status.AMBER: ("#fde6c0", "#5c3700", "#e69f00"),
    Status.RED: ("#f9d3c6", "#6e1d00", "#d55e00"),
}
UNCOLOURED_POINT = "#7b8794"
