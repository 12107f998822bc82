"""claim and payment versions

Revision ID: 0008
Create Date: 2026-12-01

An edit counter on claims and payments, as revision 0002 gave the other edited records, so a
claim saved from a form or grid opened before someone else's save is refused instead of
overwriting their figures. Existing rows start at 1. Adding a column with a server default needs
no table rebuild on SQLite, so the audited tables keep their AUTOINCREMENT.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

VERSIONED_TABLES = ("claim", "payment")


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in VERSIONED_TABLES:
        # Dropping a column rebuilds the table on SQLite: keep AUTOINCREMENT (ids never reused).
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch:
            batch.drop_column("version")
