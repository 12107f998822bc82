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

from collections.abc import Hashable, Mapping, Sequence
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
    "suppress_table",
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
    values: dict[Hashable, int | None] = {("part", i): value for i, value in enumerate(parts)}
    lines = []
    if total is not None:
        values["total"] = total
        lines.append(([("part", i) for i in range(len(parts))], "total"))
    cells = suppress_table(values, lines, threshold)
    return SuppressedLine(
        tuple(cells[("part", i)] for i in range(len(parts))), cells["total"] if total is not None else None
    )


def suppress_table(
    values: Mapping[Hashable, int | None],
    lines: Sequence[tuple[Sequence[Hashable], Hashable]],
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[Hashable, Cell]:
    """Suppress a table given as named counts and the lines that add up (parts, total).

    A grid is its rows and its columns (and the totals' own line to the grand total), so a
    figure withheld to protect one row is then protected in its column too; withholding only
    grows, so this ends.
    """
    cells = {key: suppress_count(value, threshold) for key, value in values.items()}
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            if cells[total].suppressed or values[total] is None:
                continue
            withheld = [key for key in parts if cells[key].suppressed and values[key] is not None]
            if not withheld or (len(withheld) > 1 and sum(values[key] for key in withheld) >= threshold):
                continue
            others = [key for key in parts if not cells[key].suppressed and values[key]]
            if others:
                smallest = min(others, key=lambda key: values[key])
                cells[smallest] = Cell(None, WITHHELD)
            else:
                cells[total] = Cell(None, WITHHELD)
            changed = True
    return cells


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
