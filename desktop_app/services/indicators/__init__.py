"""Police and Crime Plan indicators: where each stands, its readings, new readings, settings.

Every function is one user action over its own session and returns frozen dataclasses (never
ORM objects). Status against baseline comes from `core.indicator_status`, reading checks from
`core.indicator_values`, so the page, the CLI and the pack all agree.

- `plans`: the plans held and the one in force;
- `rows`: the list of indicators, one indicator, its readings (reads);
- `changes`: a new reading, an indicator's baseline, target and tolerance (audited writes);
- `history`: an indicator's audit trail as officers read it;
- `pack`: the Excel indicator pack and the CLI's json and text;
- `panel_pack`: the quarterly Panel pack, small numbers suppressed.
"""

from __future__ import annotations

from desktop_app.services.indicators.changes import (
    DuplicateReadingError,
    ReadingDraft,
    add_reading,
    update_indicator_settings,
)
from desktop_app.services.indicators.history import indicator_history
from desktop_app.services.indicators.pack import (
    export_indicator_pack,
    indicator_pack,
    indicators_json,
    indicators_text,
)
from desktop_app.services.indicators.panel_pack import export_panel_pack, panel_pack
from desktop_app.services.indicators.plans import PlanRef, UnknownPlanError, list_plans, plan_in_force
from desktop_app.services.indicators.rows import (
    IndicatorRow,
    ReadingRow,
    ThemeRef,
    UnknownThemeError,
    get_indicator,
    list_indicators,
    readings,
)

__all__ = [
    "DuplicateReadingError", "IndicatorRow", "PlanRef", "ReadingDraft", "ReadingRow", "ThemeRef", "UnknownPlanError",
    "UnknownThemeError", "add_reading", "export_indicator_pack", "export_panel_pack", "get_indicator",
    "indicator_history", "indicator_pack", "indicators_json", "indicators_text", "list_indicators",
    "list_plans", "panel_pack", "plan_in_force", "readings", "update_indicator_settings",
]
