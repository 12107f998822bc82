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
The database does the looking (`store.trail_reads`): only rows that are wrong come back.
"""

from __future__ import annotations

import datetime as dt

from desktop_app.core.vocabulary import AuditAction
from desktop_app.store.check_reads import CheckReads
from desktop_app.store.trail_reads import (
    AUDITED_FIELDS,
    first_row_dated_latest_before,
    ids_below_one,
    newest_id,
    setting_lines,
    stored_settings,
    table_trail,
    trail_order,
)

TRAIL = "audit trail"
# Rows are dated by the clock of the computer that wrote them; on a team server several
# clocks, each corrected now and then by a few seconds, take turns.
CLOCK_NOISE = dt.timedelta(minutes=10)
EXAMPLES = 10
# Indicators arrive from db/reference_data.toml unaudited; only officers' edits are in the trail.
_CREATED_BY_REFERENCE_DATA = {"indicator"}

Finding = tuple[str, str]


def audit_trail_problems(reads: CheckReads) -> list[Finding]:
    """(where, sentence) for each sign that the trail or an audited record was tampered with."""
    findings = _guard_findings(reads)
    findings += _id_and_time_findings(reads, reads.dialect == "sqlite")
    findings += _record_findings(reads)
    return findings


def _guard_findings(reads: CheckReads) -> list[Finding]:
    return [
        (
            TRAIL,
            f"its guard {name}, which keeps it append-only, is missing, switched off or no "
            "longer refuses, so its rows can be rewritten: the database was changed outside the "
            "program; compare it with the newest backup copy.",
        )
        for name in reads.guards_missing()
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


def _id_and_time_findings(reads: CheckReads, is_sqlite: bool) -> list[Finding]:
    odd_ids: list[Finding] = [
        (TRAIL, f"row {event_id} has an id the program never hands out: it was written outside the program.")
        for event_id in ids_below_one(reads)
    ]
    previous = newest_id(reads)
    order = trail_order(reads)
    gaps: list[Finding] = []
    if is_sqlite:
        for before, event_id in order.gaps:
            gaps.append((TRAIL, f"{_missing(before + 1, event_id - 1)} (a cancelled save leaves no gap)."))
    # A row dated before the latest of the rows written ahead of it, by more than clocks drift.
    backwards: list[Finding] = []
    for event_id, at, latest in order.dated_back:
        if not at < latest - CLOCK_NOISE:
            continue
        if len(backwards) >= EXAMPLES:
            backwards.append((TRAIL, ""))  # counted, not worded: only the first few are shown
            continue
        latest_id = first_row_dated_latest_before(reads, event_id)
        backwards.append(
            (
                TRAIL,
                f"row {event_id} is dated {at:%Y-%m-%d %H:%M}, earlier than row {latest_id} "
                f"written before it ({latest:%Y-%m-%d %H:%M}): it was backdated or slipped in.",
            )
        )
    findings = _limited(odd_ids, "rows with impossible ids") + _limited(gaps, "gaps")
    handed_out = reads.audit_id_handed_out()
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


def _changed_outside(where: str, what: str, current: str | None, row_id: int, recorded: str | None) -> Finding:
    return (
        where,
        f"{what} {_shown(current)} but the audit trail's latest line for it (row {row_id}) "
        f"says {_shown(recorded)}: it was changed outside the program.",
    )


def _record_findings(reads: CheckReads) -> list[Finding]:
    findings: list[Finding] = []
    changed: list[Finding] = []
    for entity in sorted(AUDITED_FIELDS):
        findings += _table_findings(reads, entity, changed)
    findings += _setting_findings(reads, changed)
    return findings + _limited(changed, "changes made outside the program")


def _table_findings(reads: CheckReads, entity: str, changed: list[Finding]) -> list[Finding]:
    name = entity.replace("_", " ")
    trail = table_trail(reads, entity, created_unaudited=entity in _CREATED_BY_REFERENCE_DATA)
    put_back: list[Finding] = [
        (
            f"{name} {record_id}",
            f"it is still there though the audit trail recorded its deletion (row {row_id}): "
            "it was put back outside the program.",
        )
        for record_id, row_id in trail.put_back
    ]
    skipped = {record_id for record_id, _row in trail.put_back}
    for record_id, key, row_id, recorded, current in trail.differing:
        if record_id not in skipped and not _same(current, recorded):
            changed.append(_changed_outside(f"{name} {record_id}", f"{key} is", current, row_id, recorded))
    findings: list[Finding] = []
    if trail.uncreated:
        plural = "records have" if len(trail.uncreated) > 1 else "record has"
        findings.append(
            (
                f"table {entity}",
                f"{len(trail.uncreated):,} {name} {plural} no creation line in the audit trail "
                f"(ids {_id_list(trail.uncreated)}): written outside the program.",
            )
        )
    if trail.vanished:
        plural = "records in the audit trail are" if len(trail.vanished) > 1 else "record in the audit trail is"
        findings.append(
            (
                f"table {entity}",
                f"{len(trail.vanished):,} {name} {plural} gone without a recorded deletion "
                f"(ids {_id_list(trail.vanished)}): deleted outside the program.",
            )
        )
    return findings + _limited(put_back, "records put back")


def _setting_findings(reads: CheckReads, changed: list[Finding]) -> list[Finding]:
    stored = stored_settings(reads)
    findings: list[Finding] = []
    for key, line in sorted(setting_lines(reads).items()):
        where, (row_id, action, recorded) = f"setting {key}", line
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
        elif not _same(stored[key], recorded):
            changed.append(_changed_outside(where, "it is", stored[key], row_id, recorded))
    return findings
