"""funding lines, claims and payments

Revision ID: 0006
Create Date: 2026-12-01

The money: ring-fenced funding lines with yearly budgets, strands paid from a line, expenditure
categories, quarterly claims broken down by category, payments against them, a short key per
funding stream, and the Chief Finance Officer's sign-off on a submission. Existing streams get a
key made from their name; their budgets, strands and allocations are untouched.
"""

import re

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Audited tables never reuse ids (the audit trail names records by id): a batch rebuild keeps that.
_AUDITED = {"sqlite_autoincrement": True}


def _stream_keys() -> None:
    """Give each existing stream a unique key made from its name, e.g. "moj-victims-services-grant"."""
    connection = op.get_bind()
    taken: set[str] = set()
    rows = connection.execute(sa.text("SELECT id, name FROM funding_stream ORDER BY id")).all()
    for stream_id, name in rows:
        base = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", ""))[:36].strip("-") or "stream"
        key, n = base, 1
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        taken.add(key)
        connection.execute(
            sa.text("UPDATE funding_stream SET key = :key WHERE id = :id"), {"key": key, "id": stream_id}
        )


def upgrade() -> None:
    op.create_table('expenditure_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expenditure_category')),
    sa.UniqueConstraint('key', name=op.f('uq_expenditure_category_key'))
    )
    op.create_table('funding_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funding_stream_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['funding_stream_id'], ['funding_stream.id'], name=op.f('fk_funding_line_funding_stream_id_funding_stream')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_line')),
    sa.UniqueConstraint('funding_stream_id', 'key', name=op.f('uq_funding_line_funding_stream_id_key')),
    sa.UniqueConstraint('funding_stream_id', 'name', name=op.f('uq_funding_line_funding_stream_id_name')),
    sqlite_autoincrement=True
    )
    op.create_table('line_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funding_line_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_line_budget_amount_pence_not_negative')),
    sa.ForeignKeyConstraint(['funding_line_id'], ['funding_line.id'], name=op.f('fk_line_budget_funding_line_id_funding_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_line_budget')),
    sa.UniqueConstraint('funding_line_id', 'financial_year', name=op.f('uq_line_budget_funding_line_id_financial_year')),
    sqlite_autoincrement=True
    )
    op.create_table('claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('strand_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('claim_date', sa.Date(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('forecast_remaining_pence', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'approved', 'queried', name='claim_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('over_allocation_reason', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_claim_amount_pence_not_negative')),
    sa.CheckConstraint('forecast_remaining_pence >= 0', name=op.f('ck_claim_forecast_remaining_pence_not_negative')),
    sa.ForeignKeyConstraint(['period_id'], ['return_period.id'], name=op.f('fk_claim_period_id_return_period')),
    sa.ForeignKeyConstraint(['strand_id'], ['strand.id'], name=op.f('fk_claim_strand_id_strand')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim')),
    sa.UniqueConstraint('strand_id', 'period_id', name=op.f('uq_claim_strand_id_period_id')),
    sqlite_autoincrement=True
    )
    op.create_table('claim_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_claim_line_amount_pence_not_negative')),
    sa.ForeignKeyConstraint(['category_id'], ['expenditure_category.id'], name=op.f('fk_claim_line_category_id_expenditure_category')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_claim_line_claim_id_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_line')),
    sa.UniqueConstraint('claim_id', 'category_id', name=op.f('uq_claim_line_claim_id_category_id')),
    sqlite_autoincrement=True
    )
    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_payment_amount_positive')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_payment_claim_id_claim')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('funding_stream', schema=None, table_kwargs=_AUDITED) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_funding_stream_key'), ['key'])
    _stream_keys()

    with op.batch_alter_table('strand', schema=None, table_kwargs=_AUDITED) as batch_op:
        batch_op.add_column(sa.Column('funding_line_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_strand_funding_line_id_funding_line'), 'funding_line', ['funding_line_id'], ['id'])

    with op.batch_alter_table('submission', schema=None, table_kwargs=_AUDITED) as batch_op:
        batch_op.add_column(sa.Column('signed_off_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('signed_off_at', sa.DateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None, table_kwargs=_AUDITED) as batch_op:
        batch_op.drop_column('signed_off_at')
        batch_op.drop_column('signed_off_by')

    with op.batch_alter_table('strand', schema=None, table_kwargs=_AUDITED) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_strand_funding_line_id_funding_line'), type_='foreignkey')
        batch_op.drop_column('funding_line_id')

    with op.batch_alter_table('funding_stream', schema=None, table_kwargs=_AUDITED) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_funding_stream_key'), type_='unique')
        batch_op.drop_column('key')

    op.drop_table('payment')
    op.drop_table('claim_line')
    op.drop_table('claim')
    op.drop_table('line_budget')
    op.drop_table('funding_line')
    op.drop_table('expenditure_category')
