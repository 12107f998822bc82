"""version counters

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

An edit counter on every record a form or grid edits, so a save made from a form opened before
someone else's save is refused instead of overwriting their figures (SQLAlchemy's
`version_id_col`). Existing rows start at 1. Adding a column with a default needs no table
rebuild on SQLite, so the AUTOINCREMENT of the audited tables is untouched.
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

VERSIONED_TABLES = (
    "allocation",
    "budget",
    "funding_stream",
    "indicator",
    "indicator_reading",
    "provider",
    "return",
    "return_value",
    "strand",
)


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in VERSIONED_TABLES:
        # Dropping a column rebuilds the table on SQLite: keep AUTOINCREMENT (ids never reused).
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch:
            batch.drop_column("version")
