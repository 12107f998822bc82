"""breakdowns, and the measure attributes the dashboard and the demo read

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Breakdowns of a measure's total (sex, age band, ethnicity, disability, crime type) as reference
lists of categories, which measures carry which breakdowns, and one count per return × measure ×
category. Each measure also says whether it is a dashboard figure card or the charts' measure,
and how the demo makes plausible figures for it; the reference data file fills these in by key
when the database is opened. Existing figures are untouched.
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('breakdown',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breakdown')),
    sa.UniqueConstraint('key', name=op.f('uq_breakdown_key'))
    )
    op.create_table('breakdown_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breakdown_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('category_group', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['breakdown_id'], ['breakdown.id'], name=op.f('fk_breakdown_category_breakdown_id_breakdown')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breakdown_category')),
    sa.UniqueConstraint('breakdown_id', 'key', name=op.f('uq_breakdown_category_breakdown_id_key'))
    )
    op.create_table('measure_breakdown',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('breakdown_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['breakdown_id'], ['breakdown.id'], name=op.f('fk_measure_breakdown_breakdown_id_breakdown'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_breakdown_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'breakdown_id', name=op.f('pk_measure_breakdown'))
    )
    # Audited user data: ids are never reused (the audit trail names records by id).
    op.create_table('return_breakdown_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_return_breakdown_value_value_not_negative')),
    sa.ForeignKeyConstraint(['category_id'], ['breakdown_category.id'], name=op.f('fk_return_breakdown_value_category_id_breakdown_category')),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_return_breakdown_value_measure_id_measure')),
    sa.ForeignKeyConstraint(['return_id'], ['return.id'], name=op.f('fk_return_breakdown_value_return_id_return'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_breakdown_value')),
    sa.UniqueConstraint('return_id', 'measure_id', 'category_id', name=op.f('uq_return_breakdown_value_return_id_measure_id_category_id')),
    sqlite_autoincrement=True
    )
    # `measure` is reference data, not audited: its batch rebuild needs no AUTOINCREMENT.
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headline_order', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('headline_title', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('headline_detail', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('charted', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('demo_of', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('demo_ratio', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('measure', schema=None) as batch_op:
        for column in ('demo_ratio', 'demo_of', 'charted', 'headline_detail', 'headline_title', 'headline_order'):
            batch_op.drop_column(column)
    op.drop_table('return_breakdown_value')
    op.drop_table('measure_breakdown')
    op.drop_table('breakdown_category')
    op.drop_table('breakdown')
