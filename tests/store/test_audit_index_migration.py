"""Revision 0010 (the trail indexed by record and field) on a database revision 0001's code wrote.

After the upgrade every audit row and figure is as it was, and the newest line of each field of
a table's records is found from the index alone (what `check` asks for)."""

from __future__ import annotations

import sqlite3

from desktop_app.store.database import open_database
from tests.store.conftest import stored_rows

_ROWS = {
    "audit": "SELECT * FROM audit_event ORDER BY id",
    "values": "SELECT id, return_id, measure_id, value, note FROM return_value ORDER BY id",
    "returns": "SELECT id, strand_id, period_id, status FROM return ORDER BY id",
}
NEWEST_LINES = (
    "SELECT entity_id, field, max(id) FROM audit_event WHERE entity = 'return_value' GROUP BY entity_id, field"
)


def test_upgrading_a_first_release_database_keeps_the_trail_and_indexes_it_by_record_and_field(old_demo):
    before = stored_rows(old_demo, _ROWS)
    assert len(before["audit"]) > 1000
    with open_database(old_demo):
        pass
    assert stored_rows(old_demo, _ROWS) == before
    with sqlite3.connect(old_demo) as connection:
        columns = [row[2] for row in connection.execute("PRAGMA index_info('ix_audit_event_entity')")]
        plan = " ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {NEWEST_LINES}"))
        newest = connection.execute(NEWEST_LINES).fetchall()
    assert columns == ["entity", "entity_id", "field", "id"]
    assert "COVERING INDEX ix_audit_event_entity" in plan
    # The grouping answers the same as over the rows themselves.
    expected: dict[tuple[int, str], int] = {}
    for row_id, _at, _who, _action, entity, entity_id, field, *_rest in before["audit"]:
        if entity == "return_value":
            expected[(entity_id, field)] = max(row_id, expected.get((entity_id, field), 0))
    assert {(entity_id, field): row_id for entity_id, field, row_id in newest} == expected
