"""Part of the `check` verb: is the audit trail whole, in order, and does it match the records?

Someone with the file (or a server login) can drop the triggers and rewrite the trail, or edit
records without it. What such edits leave behind, and what is looked for:

- guards: the append-only triggers are all present and switched on;
- ids: none below 1; on SQLite no gap at all, because a rolled-back save hands its ids back
  (AUTOINCREMENT's counter is rolled back with it), and none missing at the end (the counter
  remembers the highest id ever used). A PostgreSQL sequence never goes back, so there gaps are
  normal and only ids above the sequence's last value give a forgery away;
- time: no row dated more than `CLOCK_NOISE` before a row written earlier;
- records: every record of an audited table has its creation in the trail; each field's
  current value equals the value in the field's latest line; a record is present exactly when
  its trail does not end in a deletion. Settings likewise, by key.

Each finding is one sentence; at most `EXAMPLES` per kind are listed, then a count of the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Mapper

from desktop_app.core.vocabulary import AuditAction
from desktop_app.store.audit import SETTING_ENTITY, as_audit_text
from desktop_app.store.audit_guards import highest_audit_id_handed_out, missing_audit_guards
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Base, Setting

TRAIL = "audit trail"
# Rows are dated by the clock of the computer that wrote them; on a team server several
# clocks, each corrected now and then by a few seconds, take turns.
CLOCK_NOISE = dt.timedelta(minutes=10)
EXAMPLES = 10
# Indicators arrive from db/reference_data.toml unaudited; only officers' edits are in the trail.
_CREATED_BY_REFERENCE_DATA = {"indicator"}

Finding = tuple[str, str]


def audit_trail_problems(db: Database) -> list[Finding]:
    """(where, sentence) for each sign that the trail or an audited record was tampered with."""
    with db.engine.connect() as connection:
        findings = _guard_findings(connection)
        findings += _id_and_time_findings(connection, db.is_sqlite)
        findings += _record_findings(connection)
    return findings


def _guard_findings(connection: Connection) -> list[Finding]:
    return [
        (
            TRAIL,
            f"its guard {name}, which keeps it append-only, is missing, switched off or no "
            "longer refuses, so its rows can be rewritten: the database was changed outside the "
            "program; compare it with the newest backup copy.",
        )
        for name in missing_audit_guards(connection)
    ]


def _limited(findings: list[Finding], what: str) -> list[Finding]:
    if len(findings) <= EXAMPLES:
        return findings
    rest = len(findings) - EXAMPLES
    return findings[:EXAMPLES] + [(TRAIL, f"… and {rest:,} more {what} like those above.")]


def _missing(first: int, last: int, which: str = "") -> str:
    if first == last:
        return f"{which}row {first} is missing: it was deleted"
    return f"{which}rows {first} to {last} are missing: they were deleted"


def _id_and_time_findings(connection: Connection, is_sqlite: bool) -> list[Finding]:
    # Worked out by the database (window functions over the id order), so only the rows that
    # are wrong come back, not the whole trail.
    odd_ids: list[Finding] = [
        (TRAIL, f"row {event_id} has an id the program never hands out: it was written outside the program.")
        for event_id in connection.execute(
            select(AuditEvent.id).where(AuditEvent.id < 1).order_by(AuditEvent.id)
        ).scalars().all()
    ]
    previous = connection.execute(select(func.max(AuditEvent.id)).where(AuditEvent.id >= 1)).scalar() or 0
    gaps: list[Finding] = []
    if is_sqlite:
        ordered = select(
            AuditEvent.id.label("id"), func.lag(AuditEvent.id).over(order_by=AuditEvent.id).label("before")
        ).where(AuditEvent.id >= 1).subquery()
        for before, event_id in connection.execute(
            select(ordered.c.before, ordered.c.id)
            .where(ordered.c.id > func.coalesce(ordered.c.before, 0) + 1)
            .order_by(ordered.c.id)
        ).all():
            gaps.append((TRAIL, f"{_missing((before or 0) + 1, event_id - 1)} (a cancelled save leaves no gap)."))
    # A row dated before the latest of the rows written ahead of it, by more than clocks drift.
    running = select(
        AuditEvent.id.label("id"), AuditEvent.at.label("at"),
        func.max(AuditEvent.at).over(order_by=AuditEvent.id, rows=(None, -1)).label("latest"),
    ).where(AuditEvent.id >= 1).subquery()
    candidates = connection.execute(
        select(running.c.id, running.c.at, running.c.latest)
        .where(running.c.at < running.c.latest)
        .order_by(running.c.id)
    ).all()
    backwards: list[Finding] = []
    for event_id, at, latest in candidates:
        if not at < latest - CLOCK_NOISE:
            continue
        if len(backwards) >= EXAMPLES:
            backwards.append((TRAIL, ""))  # counted, not worded: only the first few are shown
            continue
        latest_id = connection.execute(
            select(func.min(AuditEvent.id)).where(AuditEvent.id >= 1, AuditEvent.id < event_id, AuditEvent.at == latest)
        ).scalar()
        backwards.append(
            (
                TRAIL,
                f"row {event_id} is dated {at:%Y-%m-%d %H:%M}, earlier than row {latest_id} "
                f"written before it ({latest:%Y-%m-%d %H:%M}): it was backdated or slipped in.",
            )
        )
    findings = _limited(odd_ids, "rows with impossible ids") + _limited(gaps, "gaps")
    handed_out = highest_audit_id_handed_out(connection)
    if handed_out is None:
        pass  # nothing to compare with (see highest_audit_id_handed_out)
    elif is_sqlite and handed_out > previous:
        findings.append((TRAIL, f"{_missing(previous + 1, handed_out, 'its newest ')} after being written."))
    elif is_sqlite and previous > handed_out:
        findings.append(
            (
                TRAIL,
                f"its id counter was wound back to {handed_out} though it holds rows up to id "
                f"{previous}: the file was changed outside the program.",
            )
        )
    elif not is_sqlite and previous > handed_out:
        findings.append(
            (
                TRAIL,
                f"it holds rows up to id {previous} but the server has handed out ids only up to "
                f"{handed_out}: those rows were written outside the program.",
            )
        )
    return findings + _limited(backwards, "rows out of date order")


def _audited_mappers() -> list[Mapper]:
    mappers = [m for m in Base.registry.mappers if getattr(m.class_, "__audited__", False)]
    return sorted(mappers, key=lambda m: m.class_.__tablename__)


def _latest_lines(connection: Connection) -> dict[tuple[str, int, str], tuple[int, AuditAction, str | None]]:
    """(entity, entity id, field) -> (row id, action, new value) of the field's newest line."""
    newest = (
        select(func.max(AuditEvent.id))
        .group_by(AuditEvent.entity, AuditEvent.entity_id, AuditEvent.field)
    )
    rows = connection.execute(
        select(
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.field,
            AuditEvent.id,
            AuditEvent.action,
            AuditEvent.new_value,
        ).where(AuditEvent.id.in_(newest))
    ).all()
    return {(e, i, f): (row_id, action, value) for e, i, f, row_id, action, value in rows}


def _same(current: str | None, recorded: str | None) -> bool:
    if current == recorded:
        return True
    try:  # 5 typed into a decimal field is written "5" and read back as 5.0
        return current is not None and recorded is not None and float(current) == float(recorded)
    except ValueError:
        return False


def _shown(value: str | None) -> str:
    return "empty" if value is None else f"'{value}'"


def _id_list(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:EXAMPLES])
    return shown + (f" and {len(ids) - EXAMPLES:,} more" if len(ids) > EXAMPLES else "")


@dataclass(frozen=True)
class _TrailIndex:
    """What the trail says about each record, read once for all the tables."""

    # (entity, entity id, field) -> (row id, action, new value) of the field's newest line
    latest: dict[tuple[str, int, str], tuple[int, AuditAction, str | None]]
    # (entity, entity id) -> (row id, action) of the record's newest line
    ending: dict[tuple[str, int], tuple[int, AuditAction]]
    # records whose creation is in the trail
    created: set[tuple[str, int]]
    # entity -> ids whose newest line is not a deletion, so the record should be there
    expected: dict[str, set[int]]
    # setting key -> (row id, action, new value) of its newest line
    settings: dict[str, tuple[int, AuditAction, str | None]]


def _trail_index(connection: Connection) -> _TrailIndex:
    latest = _latest_lines(connection)
    ending: dict[tuple[str, int], tuple[int, AuditAction]] = {}
    for (entity, entity_id, _field), (row_id, action, _value) in latest.items():
        key = (entity, entity_id)
        if key not in ending or row_id > ending[key][0]:
            ending[key] = (row_id, action)
    inserts = select(AuditEvent.entity, AuditEvent.entity_id).where(AuditEvent.action == AuditAction.INSERT)
    created = {(entity, entity_id) for entity, entity_id in connection.execute(inserts.distinct()).all()}
    expected: dict[str, set[int]] = {}
    for (entity, entity_id), (_row, action) in ending.items():
        if action != AuditAction.DELETE:
            expected.setdefault(entity, set()).add(entity_id)
    settings = {key: line for (entity, _id, key), line in latest.items() if entity == SETTING_ENTITY}
    return _TrailIndex(latest=latest, ending=ending, created=created, expected=expected, settings=settings)


def _changed_outside(where: str, what: str, current: str | None, line: tuple) -> Finding:
    return (
        where,
        f"{what} {_shown(current)} but the audit trail's latest line for it (row {line[0]}) "
        f"says {_shown(line[2])}: it was changed outside the program.",
    )


def _record_findings(connection: Connection) -> list[Finding]:
    trail = _trail_index(connection)
    findings: list[Finding] = []
    changed: list[Finding] = []
    for mapper in _audited_mappers():
        findings += _table_findings(connection, mapper, trail, changed)
    findings += _setting_findings(connection, trail, changed)
    return findings + _limited(changed, "changes made outside the program")


def _table_findings(
    connection: Connection, mapper: Mapper, trail: _TrailIndex, changed: list[Finding]
) -> list[Finding]:
    table = mapper.local_table
    entity = table.name
    name = entity.replace("_", " ")
    fields = [
        (prop.key, prop.columns[0])
        for prop in mapper.column_attrs
        if prop.key != "id" and prop.columns[0] is not mapper.version_id_col
    ]
    present: set[int] = set()
    uncreated: list[int] = []
    put_back: list[Finding] = []
    rows = connection.execute(select(table.c.id, *(column for _key, column in fields)).order_by(table.c.id)).all()
    for record_id, *values in rows:
        present.add(record_id)
        where = f"{name} {record_id}"
        if entity not in _CREATED_BY_REFERENCE_DATA and (entity, record_id) not in trail.created:
            uncreated.append(record_id)
        end = trail.ending.get((entity, record_id))
        if end is not None and end[1] == AuditAction.DELETE:
            put_back.append(
                (
                    where,
                    f"it is still there though the audit trail recorded its deletion (row {end[0]}): "
                    "it was put back outside the program.",
                )
            )
            continue
        for (key, _column), value in zip(fields, values):
            line = trail.latest.get((entity, record_id, key))
            if line is None:
                continue  # never set through the program (empty when created, or reference data)
            current = as_audit_text(value)
            if not _same(current, line[2]):
                changed.append(_changed_outside(where, f"{key} is", current, line))
    findings: list[Finding] = []
    if uncreated:
        plural = "records have" if len(uncreated) > 1 else "record has"
        findings.append(
            (
                f"table {entity}",
                f"{len(uncreated):,} {name} {plural} no creation line in the audit trail "
                f"(ids {_id_list(uncreated)}): written outside the program.",
            )
        )
    vanished = sorted(trail.expected.get(entity, set()) - present)
    if vanished:
        plural = "records in the audit trail are" if len(vanished) > 1 else "record in the audit trail is"
        findings.append(
            (
                f"table {entity}",
                f"{len(vanished):,} {name} {plural} gone without a recorded deletion "
                f"(ids {_id_list(vanished)}): deleted outside the program.",
            )
        )
    return findings + _limited(put_back, "records put back")


def _setting_findings(connection: Connection, trail: _TrailIndex, changed: list[Finding]) -> list[Finding]:
    stored = {key: value for key, value in connection.execute(select(Setting.key, Setting.value)).all()}
    findings: list[Finding] = []
    for key, line in sorted(trail.settings.items()):
        where, (row_id, action, _value) = f"setting {key}", line
        if action == AuditAction.DELETE:
            if key in stored:
                findings.append(
                    (
                        where,
                        f"it is set to {_shown(stored[key])} though the audit trail recorded its "
                        f"removal (row {row_id}): it was set outside the program.",
                    )
                )
        elif key not in stored:
            findings.append(
                (
                    where,
                    "it is gone though the audit trail never recorded its removal (last line: "
                    f"row {row_id}): it was removed outside the program.",
                )
            )
        elif not _same(stored[key], line[2]):
            changed.append(_changed_outside(where, "it is", stored[key], line))
    return findings
