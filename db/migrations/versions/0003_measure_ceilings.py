"""measure ceilings

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Each measure gets a ceiling: the largest figure one strand's return can plausibly hold for it.
Existing measures get 1,000,000 (a quarter's count of victims) here; the reference data file
then sets each measure's own ceiling by key when the database is opened.
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Written out rather than imported: a revision must keep doing what it did when the code moves on.
_COUNT_CEILING = 1_000_000
_LARGEST_STORED = 2**31 - 1


def upgrade() -> None:
    # `measure` is not audited (reference data), so its batch rebuild needs no AUTOINCREMENT.
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('ceiling', sa.Integer(), nullable=False, server_default=str(_COUNT_CEILING))
        )
        batch_op.create_check_constraint(
            op.f('ck_measure_ceiling_in_range'), f'ceiling > 0 AND ceiling <= {_LARGEST_STORED}'
        )
    # The server default only filled the existing rows; the models give every new row its value.
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.alter_column('ceiling', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_measure_ceiling_in_range'), type_='check')
        batch_op.drop_column('ceiling')
