"""The providers table: its columns over `services.providers.ProviderRow`."""

from __future__ import annotations

from desktop_app.core.numbers import format_count
from desktop_app.services.providers import ProviderRow
from desktop_app.ui.table_model import Column, RecordTableModel

PROVIDER_COLUMNS: list[Column[ProviderRow]] = [
    Column("Name", lambda r: r.name),
    Column("Organisation type", lambda r: r.organisation_type, display=lambda v: v.label),
    Column("Scope", lambda r: r.scope, display=lambda v: v.label),
    Column(
        "Districts served",
        lambda r: r.districts,
        display=lambda v: ", ".join(v) if v else "—",
        tooltip=lambda r: ", ".join(r.districts),
    ),
    Column("Strands", lambda r: r.strand_count, display=format_count, numeric=True),
    Column("Active", lambda r: r.active, display=lambda v: "Yes" if v else "No"),
]


def provider_table_model(parent=None) -> RecordTableModel[ProviderRow]:
    return RecordTableModel(PROVIDER_COLUMNS, parent)
