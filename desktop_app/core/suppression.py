"""Small numbers in published figures: counts that could identify a victim are not printed.

A count from 1 to threshold − 1 (default 5) is shown as "fewer than 5" (primary suppression);
0 is shown as 0, since no one can be identified from nobody. Where the parts of a line add up
to a total that is shown, a lone suppressed part could be worked out by subtraction, so more is
withheld (secondary suppression): the smallest other non-zero part, again, until the withheld
parts cannot be worked out singly and add up to at least the threshold; if no part is left to
withhold, the total is withheld instead. A threshold of 0 or 1 suppresses nothing.

Only published outputs (the Panel report, the Panel and indicator packs, saved charts) suppress;
the MoJ workbook and the database keep exact figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "DEFAULT_THRESHOLD",
    "SETTING_KEY",
    "WITHHELD",
    "Cell",
    "SuppressedLine",
    "fewer_than",
    "parse_threshold",
    "suppress_count",
    "suppress_line",
    "suppression_note",
]

DEFAULT_THRESHOLD = 5
SETTING_KEY = "small_number_threshold"
WITHHELD = "withheld"


def fewer_than(threshold: int) -> str:
    return f"fewer than {threshold}"


@dataclass(frozen=True)
class Cell:
    """A published count: `value` is None when it is not shown; `text` is what is printed."""

    value: int | None
    text: str

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class SuppressedLine:
    parts: tuple[Cell, ...]
    total: Cell | None

    @property
    def applied(self) -> bool:
        return any(cell.suppressed for cell in self.parts) or bool(self.total and self.total.suppressed)


def _shown(value: int) -> Cell:
    return Cell(value, f"{value:,}")


def _is_small(value: int | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def suppress_count(value: int | None, threshold: int = DEFAULT_THRESHOLD) -> Cell:
    """One count on its own: `fewer than 5` for 1–4, the figure otherwise (None shows blank)."""
    if value is None:
        return Cell(None, "")
    return Cell(None, fewer_than(threshold)) if _is_small(value, threshold) else _shown(value)


def suppress_line(
    parts: Sequence[int | None], total: int | None = None, threshold: int = DEFAULT_THRESHOLD
) -> SuppressedLine:
    """Suppress a line of counts whose `parts` add up to `total` (when given), as above."""
    cells = [suppress_count(value, threshold) for value in parts]
    total_cell = None if total is None else suppress_count(total, threshold)
    if total_cell is not None and not total_cell.suppressed:
        withheld = [i for i, cell in enumerate(cells) if cell.suppressed and parts[i] is not None]
        while withheld and (len(withheld) == 1 or sum(parts[i] for i in withheld) < threshold):
            others = [i for i, value in enumerate(parts) if i not in withheld and value]
            if not others:
                total_cell = Cell(None, WITHHELD)
                break
            smallest = min(others, key=lambda i: (parts[i], i))
            cells[smallest] = Cell(None, WITHHELD)
            withheld.append(smallest)
    return SuppressedLine(tuple(cells), total_cell)


def parse_threshold(text: str | None) -> int:
    """The threshold setting as stored (text); blank or unreadable gives the default."""
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return value if value >= 0 else DEFAULT_THRESHOLD


def suppression_note(threshold: int) -> str:
    """The sentence a published output carries when it suppressed anything."""
    return (
        f"Small numbers are suppressed: counts from 1 to {threshold - 1} are shown as "
        f"\"{fewer_than(threshold)}\", and \"{WITHHELD}\" marks a figure held back so that a small "
        "number cannot be worked out by subtraction."
    )
