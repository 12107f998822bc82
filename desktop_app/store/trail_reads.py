"""What `check` reads of the audit trail, as plain SQL (see `store.check_reads`).

The trail is the biggest table by far, so only its ids and dates come into Python whole (one
pass finds gaps and backdated rows), and each audited table is joined with the newest line
of each of its fields (an index-only grouping, revision 0010), so only the records whose
stored value differs from its line, and the records with no creation or no deletion line,
come back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.store.check_reads import CheckReads

# How each audited field is stored, for comparing it with the trail's text of it.
TEXT = "text"  # integers, strings and our enums (stored as their values): the text as stored
DATE = "date"  # ISO dates
BOOL = "bool"  # the trail writes "yes" / "no"
FLOAT = "float"  # the trail writes Python's repr, SQLite its own: compared in Python
DATETIME = "datetime"  # SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff", the trail ISO: in Python

# Every audited table's fields as the trail names them (the models' columns but id and version;
# tests/store/test_trail_reads.py holds this to the models).
AUDITED_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "allocation": (("strand_id", TEXT), ("financial_year", TEXT), ("amount_pence", TEXT)),
    "budget": (("funding_stream_id", TEXT), ("financial_year", TEXT), ("amount_pence", TEXT)),
    "claim": (
        ("strand_id", TEXT), ("period_id", TEXT), ("claim_date", DATE), ("amount_pence", TEXT),
        ("forecast_remaining_pence", TEXT), ("status", TEXT), ("over_allocation_reason", TEXT), ("notes", TEXT),
    ),
    "claim_line": (("claim_id", TEXT), ("category_id", TEXT), ("amount_pence", TEXT)),
    "funding_line": (("funding_stream_id", TEXT), ("key", TEXT), ("name", TEXT), ("notes", TEXT)),
    "funding_stream": (
        ("name", TEXT), ("funder", TEXT), ("start_date", DATE), ("end_date", DATE), ("total_pence", TEXT),
        ("notes", TEXT), ("key", TEXT),
    ),
    "indicator": (
        ("code", TEXT), ("plan_id", TEXT), ("continues_id", TEXT), ("priority_id", TEXT), ("title", TEXT),
        ("description", TEXT), ("unit", TEXT), ("direction", TEXT), ("source", TEXT), ("frequency", TEXT),
        ("baseline_value", FLOAT), ("baseline_period", TEXT), ("target_value", FLOAT), ("target_note", TEXT),
        ("tolerance_pct", FLOAT),
    ),
    "indicator_reading": (
        ("indicator_id", TEXT), ("period_start", DATE), ("period_end", DATE), ("value", FLOAT),
        ("numerator", TEXT), ("denominator", TEXT), ("note", TEXT),
    ),
    "line_budget": (("funding_line_id", TEXT), ("financial_year", TEXT), ("amount_pence", TEXT)),
    "payment": (("claim_id", TEXT), ("paid_on", DATE), ("amount_pence", TEXT), ("reference", TEXT)),
    "provider": (
        ("name", TEXT), ("organisation_type", TEXT), ("scope", TEXT), ("charity_number", TEXT),
        ("company_number", TEXT), ("contact_name", TEXT), ("contact_email", TEXT), ("contact_phone", TEXT),
        ("active", BOOL), ("notes", TEXT),
    ),
    "return": (
        ("strand_id", TEXT), ("period_id", TEXT), ("status", TEXT), ("received_date", DATE), ("notes", TEXT),
        ("copied_from_previous", BOOL),
    ),
    "return_breakdown_value": (("return_id", TEXT), ("measure_id", TEXT), ("category_id", TEXT), ("value", TEXT)),
    "return_value": (("return_id", TEXT), ("measure_id", TEXT), ("value", TEXT), ("note", TEXT)),
    "strand": (
        ("reference", TEXT), ("provider_id", TEXT), ("funding_stream_id", TEXT), ("name", TEXT),
        ("service_category_id", TEXT), ("agreement_type", TEXT), ("start_date", DATE), ("end_date", DATE),
        ("priority_id", TEXT), ("active", BOOL), ("notes", TEXT), ("funding_line_id", TEXT),
    ),
    "submission": (
        ("created_at", DATETIME), ("created_by", TEXT), ("financial_year", TEXT), ("period_part", TEXT),
        ("include_unverified", BOOL), ("file_name", TEXT), ("sha256", TEXT), ("totals_json", TEXT),
        ("values_json", TEXT), ("signed_off_by", TEXT), ("signed_off_at", DATETIME),
    ),
}
SETTING_ENTITY = "setting"  # `store.audit.SETTING_ENTITY`: a setting's lines carry its key as the field


def as_datetime(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def stored_as_audit_text(value, kind: str) -> str | None:
    """A stored value as the trail writes it (`store.audit.as_audit_text` of the loaded value)."""
    if value is None:
        return None
    try:
        if kind == BOOL:
            return "yes" if value else "no"
        if kind == DATE:
            return value.isoformat() if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)).isoformat()
        if kind == DATETIME:
            return as_datetime(value).isoformat()
        if kind == FLOAT:
            return str(float(value))
    except (TypeError, ValueError):
        pass  # not what the program ever stores: shown as it is, so it differs from its line
    return str(value)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# A SQLite value of a type the program never stores there, or a date not in the one shape it
# writes, is always compared in Python (as the loaded value would be): its text could match
# its line while the value the program would read differs.
_SQLITE_ODD = {
    TEXT: "typeof(t.{c}) NOT IN ('integer', 'text', 'null')",
    DATE: "(typeof(t.{c}) NOT IN ('text', 'null') OR t.{c} NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')",
    BOOL: "typeof(t.{c}) NOT IN ('integer', 'null')",
}


def _may_differ(column: str, kind: str, dialect: str) -> str:
    """SQL that is true unless the column's value is surely the text of the field's newest line
    `a.new_value`: only the rows it lets through are compared in Python."""
    if kind == BOOL:
        stored = f"CASE WHEN t.{column} IS NULL THEN NULL WHEN t.{column} THEN 'yes' ELSE 'no' END"
    elif kind == DATE and dialect == "postgresql":
        stored = f"to_char(t.{column}, 'YYYY-MM-DD')"  # whatever the server's DateStyle
    elif kind in (TEXT, DATE):
        stored = f"CAST(t.{column} AS TEXT)"  # our enums are stored as their values
    else:
        return "1 = 1"  # floats and date-times: SQL writes them unlike Python
    differs = f"({stored} <> a.new_value OR ({stored} IS NULL) <> (a.new_value IS NULL))"
    if dialect == "sqlite":
        return f"({_SQLITE_ODD[kind].format(c=column)} OR {differs})"
    return differs


def ids_below_one(reads: CheckReads) -> list[int]:
    return [event_id for (event_id,) in reads.rows("SELECT id FROM audit_event WHERE id < 1 ORDER BY id")]


def newest_id(reads: CheckReads) -> int:
    return reads.rows("SELECT max(id) FROM audit_event WHERE id >= 1")[0][0] or 0


@dataclass(frozen=True)
class TrailOrder:
    """What one pass over the trail's ids and dates in id order finds."""

    # (the id before, the id after) of each run of missing ids
    gaps: list[tuple[int, int]]
    # (id, its date, the latest date of the rows before it) of each row dated before a row
    # written ahead of it
    dated_back: list[tuple[int, dt.datetime, dt.datetime]]


def trail_order(reads: CheckReads) -> TrailOrder:
    """Gaps in the ids and rows dated back. One pass in Python over two narrow columns: SQLite's
    window functions (lag, a running max) take about four times as long over a long trail.
    Dates are compared as stored, as SQL would compare them."""
    gaps: list[tuple[int, int]] = []
    dated_back: list[tuple[int, object, object]] = []
    before, latest = 0, None
    for event_id, at in reads.rows("SELECT id, at FROM audit_event WHERE id >= 1 ORDER BY id"):
        if event_id > before + 1:
            gaps.append((before, event_id))
        if latest is None or at > latest:
            latest = at
        elif at < latest:
            dated_back.append((event_id, at, latest))
        before = event_id
    return TrailOrder(
        gaps=gaps, dated_back=[(event_id, as_datetime(at), as_datetime(last)) for event_id, at, last in dated_back]
    )


def first_row_dated_latest_before(reads: CheckReads, event_id: int) -> int | None:
    """The first row holding the latest date of the rows before `event_id`."""
    before = int(event_id)
    return reads.rows(
        f"SELECT min(id) FROM audit_event WHERE id >= 1 AND id < {before} AND at = "
        f"(SELECT max(at) FROM audit_event WHERE id >= 1 AND id < {before})"
    )[0][0]


@dataclass(frozen=True)
class TableTrail:
    """What the trail says is wrong about one audited table's records."""

    # ids of records with no creation line
    uncreated: list[int]
    # (record id, row id of its deletion line) of records present though their trail ends in a deletion
    put_back: list[tuple[int, int]]
    # ids of records whose trail does not end in a deletion, yet which are gone
    vanished: list[int]
    # (record id, field, line row id, line's text, the stored value as the trail would write it)
    # for each field whose stored value may differ from its newest line, in id and field order
    differing: list[tuple[int, str, int, str | None, str | None]]


def table_trail(reads: CheckReads, table: str, *, created_unaudited: bool = False) -> TableTrail:
    """The records of `table` that disagree with the trail. `created_unaudited`: its records
    arrive unaudited (reference data), so a missing creation line is no finding."""
    fields = AUDITED_FIELDS[table]
    name, entity = _quoted(table), _literal(table)
    uncreated: list[int] = []
    if not created_unaudited:
        uncreated = [
            record_id
            for (record_id,) in reads.rows(
                f"SELECT t.id FROM {name} t WHERE NOT EXISTS (SELECT 1 FROM audit_event a WHERE a.entity = {entity} "
                "AND a.entity_id = t.id AND a.action = 'insert') ORDER BY t.id"
            )
        ]
    # A record's newest line is the highest id over its fields' lines.
    endings = reads.rows(
        "SELECT e.entity_id, e.id, e.action, t.id FROM (SELECT entity_id, max(id) AS id FROM audit_event "
        f"WHERE entity = {entity} GROUP BY entity_id) AS m JOIN audit_event e ON e.id = m.id "
        f"LEFT JOIN {name} t ON t.id = m.entity_id "
        "WHERE (e.action = 'delete' AND t.id IS NOT NULL) OR (e.action <> 'delete' AND t.id IS NULL) "
        "ORDER BY e.entity_id"
    )
    put_back = [(record_id, row_id) for record_id, row_id, _action, present in endings if present is not None]
    vanished = [record_id for record_id, _row, _action, present in endings if present is None]
    conditions = []
    for key, kind in fields:
        conditions.append(f"(l.field = {_literal(key)} AND {_may_differ(_quoted(key), kind, reads.dialect)})")
    columns = ", ".join(f"t.{_quoted(key)}" for key, _kind in fields)
    position = {key: index for index, (key, _kind) in enumerate(fields)}
    kinds = dict(fields)
    differing = []
    for record_id, field, row_id, recorded, *values in reads.rows(
        f"SELECT l.entity_id, l.field, a.id, a.new_value, {columns} FROM (SELECT entity_id, field, max(id) AS id "
        f"FROM audit_event WHERE entity = {entity} GROUP BY entity_id, field) AS l "
        f"JOIN audit_event a ON a.id = l.id JOIN {name} t ON t.id = l.entity_id "
        f"WHERE {' OR '.join(conditions)}"
    ):
        if field in position:
            current = stored_as_audit_text(values[position[field]], kinds[field])
            differing.append((record_id, field, row_id, recorded, current))
    differing.sort(key=lambda found: (found[0], position[found[1]]))
    return TableTrail(uncreated=uncreated, put_back=put_back, vanished=vanished, differing=differing)


def setting_lines(reads: CheckReads) -> dict[str, tuple[int, str, str | None]]:
    """Setting key -> (row id, action, new value) of its newest line."""
    lines = reads.rows(
        "SELECT a.field, a.id, a.action, a.new_value FROM (SELECT max(id) AS id FROM audit_event "
        f"WHERE entity = {_literal(SETTING_ENTITY)} GROUP BY entity_id, field) AS m "
        "JOIN audit_event a ON a.id = m.id ORDER BY a.id"
    )
    return {key: (row_id, action, value) for key, row_id, action, value in lines}


def stored_settings(reads: CheckReads) -> dict[str, str]:
    return dict(reads.rows('SELECT "key", value FROM setting'))
