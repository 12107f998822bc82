"""the audit trail indexed by record and field

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

`check` compares each audited record's fields with the newest line the trail holds for each:
grouped by (entity, entity_id, field) and taking the highest id, which this index answers
from the index alone instead of reading and sorting the whole trail. It replaces the
(entity, entity_id) index, which it starts with, so every record's history is still found by
index and a save still writes one index entry per audit row. Only an index changes: no table
is rebuilt, so the trail keeps its AUTOINCREMENT and its append-only triggers.
"""

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_audit_event_entity", table_name="audit_event")
    op.create_index("ix_audit_event_entity", "audit_event", ["entity", "entity_id", "field", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_entity", table_name="audit_event")
    op.create_index("ix_audit_event_entity", "audit_event", ["entity", "entity_id"])
