"""The audit trail's fields as `check` reads them without the models match the models."""

from __future__ import annotations

from sqlalchemy import Boolean, Date, DateTime, Float

from desktop_app.store.models import Base
from desktop_app.store.trail_reads import AUDITED_FIELDS, BOOL, DATE, DATETIME, FLOAT, TEXT


def _kind(column) -> str:
    # DateTime before Date: neither is the other's subclass, but keep the order obvious.
    for sql_type, kind in ((DateTime, DATETIME), (Date, DATE), (Boolean, BOOL), (Float, FLOAT)):
        if isinstance(column.type, sql_type):
            return kind
    return TEXT


def test_every_audited_field_of_the_models_is_compared_with_its_trail_as_stored():
    from_models = {}
    for mapper in Base.registry.mappers:
        if not getattr(mapper.class_, "__audited__", False):
            continue
        from_models[mapper.local_table.name] = tuple(
            (prop.key, _kind(prop.columns[0]))
            for prop in mapper.column_attrs
            if prop.key != "id" and prop.columns[0] is not mapper.version_id_col
        )
    assert AUDITED_FIELDS == from_models
