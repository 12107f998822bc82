"""An indicator's status against its baseline: green, amber, red, or monitor with no colour.

The Police and Crime Plan says which way each indicator should move (its direction). A reading
is judged by its change from the baseline, with a tolerance band either side of the baseline so
that ordinary noise shows amber rather than flipping between green and red:

    band = |baseline| × tolerance_pct / 100        (2% of the baseline unless set otherwise)
    change = latest − baseline

- increase: change > band → green ("Improving"); change < −band → red ("Worsening");
  otherwise amber ("Within tolerance"). A change exactly at the band is still amber: it has not
  moved *beyond* the tolerance.
- decrease: the mirror image: change < −band → green; change > band → red; otherwise amber.
- maintain ("maintain a high level", e.g. 999 calls answered in target): holding or rising is
  green (change ≥ 0); a fall within the band (−band ≤ change < 0) is amber; a fall beyond it red.
- below_baseline ("keep below baseline"): at or below the baseline is green; above it but within
  the band (baseline < latest ≤ baseline + band) is amber; beyond that red.
- monitor: the trend is watched with no judgement, so the status is MONITOR whatever the figures.

With no reading the status is NO_DATA "No reading yet"; with a reading but no baseline it is
NO_DATA "No baseline". The percentage change is None when the baseline is 0 (it has no meaning).

Figures are compared as the decimals an officer typed (82.0, 83.64), not as binary floats, so a
reading exactly at the edge of the band is amber however the float happens to round.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from desktop_app.core.vocabulary import Direction

__all__ = ["DEFAULT_TOLERANCE_PCT", "Status", "StatusResult", "indicator_status"]

DEFAULT_TOLERANCE_PCT = 2.0

NO_READING_WORDS = "No reading yet"
NO_BASELINE_WORDS = "No baseline"


class Status(StrEnum):
    """Where an indicator stands against its baseline; the value is the key scripts read."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    MONITOR = "monitor"
    NO_DATA = "no_data"

    @property
    def words(self) -> str:
        """The status as officers read it (colour alone must never carry the meaning)."""
        return _WORDS[self]

    @property
    def has_colour(self) -> bool:
        """Whether the status is a judgement shown in colour (monitor and no data are not)."""
        return self in (Status.GREEN, Status.AMBER, Status.RED)


_WORDS = {
    Status.GREEN: "Improving",
    Status.AMBER: "Within tolerance",
    Status.RED: "Worsening",
    Status.MONITOR: "Monitor only",
    Status.NO_DATA: NO_READING_WORDS,
}


@dataclass(frozen=True)
class StatusResult:
    """The status, the words to show, and the change from the baseline (absolute and %)."""

    status: Status
    words: str
    change: float | None
    change_pct: float | None


def _decimal(value: float | int | Decimal | None, name: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    # str() gives the shortest decimal that round-trips, i.e. the figure as it was typed.
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def _judge(direction: Direction, change: Decimal, band: Decimal) -> Status:
    if direction is Direction.INCREASE:
        if change > band:
            return Status.GREEN
        return Status.RED if change < -band else Status.AMBER
    if direction is Direction.DECREASE:
        if change < -band:
            return Status.GREEN
        return Status.RED if change > band else Status.AMBER
    if direction is Direction.MAINTAIN:
        if change >= 0:
            return Status.GREEN
        return Status.AMBER if change >= -band else Status.RED
    if direction is Direction.BELOW_BASELINE:
        # latest ≤ baseline is change ≤ 0; latest ≤ baseline + band is change ≤ band.
        if change <= 0:
            return Status.GREEN
        return Status.AMBER if change <= band else Status.RED
    raise ValueError(f"no status rule for direction {direction!r}")


def indicator_status(
    direction: Direction | str,
    baseline: float | int | Decimal | None,
    latest: float | int | Decimal | None,
    tolerance_pct: float | int | Decimal = DEFAULT_TOLERANCE_PCT,
) -> StatusResult:
    """Judge `latest` against `baseline` for an indicator that should move in `direction`.

    See the module docstring for each direction's rule. `tolerance_pct` is a percentage of the
    baseline (2 means 2%) and must not be negative.
    """
    direction = Direction(direction)
    base = _decimal(baseline, "baseline")
    last = _decimal(latest, "latest reading")
    tolerance = _decimal(tolerance_pct, "tolerance")
    if tolerance is None or tolerance < 0:
        raise ValueError(f"tolerance must be 0% or more, got {tolerance_pct!r}")

    change = change_pct = None
    if base is not None and last is not None:
        difference = last - base
        change = float(difference)
        # Against |baseline| so the sign of the % always says which way the figure moved.
        change_pct = float(difference / abs(base) * 100) if base != 0 else None

    if direction is Direction.MONITOR:
        return StatusResult(Status.MONITOR, Status.MONITOR.words, change, change_pct)
    if last is None:
        return StatusResult(Status.NO_DATA, NO_READING_WORDS, None, None)
    if base is None:
        return StatusResult(Status.NO_DATA, NO_BASELINE_WORDS, None, None)

    band = abs(base) * tolerance / 100
    status = _judge(direction, last - base, band)
    return StatusResult(status, status.words, change, change_pct)
