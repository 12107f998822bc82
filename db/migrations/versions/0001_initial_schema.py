"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24

Every table of the first release, and the triggers that make the audit trail append-only.
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


_APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
]
_APPEND_ONLY_POSTGRESQL = [
    """CREATE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()""",
]


def _make_audit_append_only() -> None:
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": _APPEND_ONLY_SQLITE, "postgresql": _APPEND_ONLY_POSTGRESQL}
    for statement in statements.get(dialect, []):
        op.execute(statement)


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('who', sa.String(length=100), nullable=False),
    sa.Column('action', sa.Enum('insert', 'update', 'delete', name='audit_action', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_event_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('district',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district')),
    sa.UniqueConstraint('key', name=op.f('uq_district_key')),
    sa.UniqueConstraint('name', name=op.f('uq_district_name'))
    )
    op.create_table('funding_stream',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('funder', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('total_pence', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_funding_stream_ends_after_start')),
    sa.CheckConstraint('total_pence >= 0', name=op.f('ck_funding_stream_total_pence_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_stream')),
    sa.UniqueConstraint('name', name=op.f('uq_funding_stream_name')),
    sqlite_autoincrement=True
    )
    op.create_table('measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('short_label', sa.String(length=40), nullable=False),
    sa.Column('group', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('help_text', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('report_sentence', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure')),
    sa.UniqueConstraint('key', name=op.f('uq_measure_key'))
    )
    op.create_table('measure_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('expression', sa.String(length=400), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_rule')),
    sa.UniqueConstraint('key', name=op.f('uq_measure_rule_key'))
    )
    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan')),
    sa.UniqueConstraint('key', name=op.f('uq_plan_key'))
    )
    op.create_table('provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation_type', sa.Enum('cvse', 'local_authority', 'hospital_trust', 'other_public', 'private', name='organisation_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('scope', sa.Enum('national', 'regional', 'local', name='scope', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('charity_number', sa.String(length=20), nullable=True),
    sa.Column('company_number', sa.String(length=20), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider')),
    sa.UniqueConstraint('name', name=op.f('uq_provider_name')),
    sqlite_autoincrement=True
    )
    op.create_table('return_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_return_period_quarter_1_to_4')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_period')),
    sa.UniqueConstraint('financial_year', 'quarter', name=op.f('uq_return_period_financial_year_quarter'))
    )
    op.create_table('service_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_category')),
    sa.UniqueConstraint('key', name=op.f('uq_service_category_key'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('period_part', sa.String(length=10), nullable=False),
    sa.Column('include_unverified', sa.Boolean(), nullable=False),
    sa.Column('file_name', sa.String(length=400), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('totals_json', sa.Text(), nullable=False),
    sa.Column('values_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sqlite_autoincrement=True
    )
    op.create_table('budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funding_stream_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_budget_amount_pence_not_negative')),
    sa.ForeignKeyConstraint(['funding_stream_id'], ['funding_stream.id'], name=op.f('fk_budget_funding_stream_id_funding_stream')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget')),
    sa.UniqueConstraint('funding_stream_id', 'financial_year', name=op.f('uq_budget_funding_stream_id_financial_year')),
    sqlite_autoincrement=True
    )
    op.create_table('priority',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_priority_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_priority_plan_id_number'))
    )
    op.create_table('provider_district',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_provider_district_district_id_district')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_district_provider_id_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('provider_id', 'district_id', name=op.f('pk_provider_district'))
    )
    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_theme_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_theme_plan_id_key'))
    )
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('unit', sa.Enum('count', 'percent', 'days', 'rate', name='indicator_unit', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('direction', sa.Enum('increase', 'decrease', 'maintain', 'below_baseline', 'monitor', name='direction', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('frequency', sa.Enum('monthly', 'quarterly', name='frequency', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('baseline_value', sa.Float(), nullable=True),
    sa.Column('baseline_period', sa.String(length=40), nullable=True),
    sa.Column('target_value', sa.Float(), nullable=True),
    sa.Column('target_note', sa.Text(), nullable=True),
    sa.Column('tolerance_pct', sa.Float(), nullable=False),
    sa.CheckConstraint('tolerance_pct >= 0', name=op.f('ck_indicator_tolerance_not_negative')),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], name=op.f('fk_indicator_priority_id_priority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('code', name=op.f('uq_indicator_code')),
    sqlite_autoincrement=True
    )
    op.create_table('strand',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('funding_stream_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('service_category_id', sa.Integer(), nullable=False),
    sa.Column('agreement_type', sa.Enum('contract', 'grant', name='agreement_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('priority_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_strand_ends_after_start')),
    sa.ForeignKeyConstraint(['funding_stream_id'], ['funding_stream.id'], name=op.f('fk_strand_funding_stream_id_funding_stream')),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], name=op.f('fk_strand_priority_id_priority')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_strand_provider_id_provider')),
    sa.ForeignKeyConstraint(['service_category_id'], ['service_category.id'], name=op.f('fk_strand_service_category_id_service_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strand')),
    sa.UniqueConstraint('reference', name=op.f('uq_strand_reference')),
    sqlite_autoincrement=True
    )
    op.create_table('allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('strand_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_allocation_amount_pence_not_negative')),
    sa.ForeignKeyConstraint(['strand_id'], ['strand.id'], name=op.f('fk_allocation_strand_id_strand')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation')),
    sa.UniqueConstraint('strand_id', 'financial_year', name=op.f('uq_allocation_strand_id_financial_year')),
    sqlite_autoincrement=True
    )
    op.create_table('indicator_reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('numerator', sa.Integer(), nullable=True),
    sa.Column('denominator', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('denominator IS NULL OR denominator > 0', name=op.f('ck_indicator_reading_denominator_positive')),
    sa.CheckConstraint('numerator IS NULL OR numerator >= 0', name=op.f('ck_indicator_reading_numerator_not_negative')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_indicator_reading_ends_after_start')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_reading_indicator_id_indicator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_reading')),
    sa.UniqueConstraint('indicator_id', 'period_start', name=op.f('uq_indicator_reading_indicator_id_period_start')),
    sqlite_autoincrement=True
    )
    op.create_table('indicator_theme',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_theme_indicator_id_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_indicator_theme_theme_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('indicator_id', 'theme_id', name=op.f('pk_indicator_theme'))
    )
    op.create_table('return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('strand_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'verified', 'locked', name='return_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('copied_from_previous', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['return_period.id'], name=op.f('fk_return_period_id_return_period')),
    sa.ForeignKeyConstraint(['strand_id'], ['strand.id'], name=op.f('fk_return_strand_id_strand')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return')),
    sa.UniqueConstraint('strand_id', 'period_id', name=op.f('uq_return_strand_id_period_id')),
    sqlite_autoincrement=True
    )
    op.create_table('strand_district',
    sa.Column('strand_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_strand_district_district_id_district')),
    sa.ForeignKeyConstraint(['strand_id'], ['strand.id'], name=op.f('fk_strand_district_strand_id_strand'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('strand_id', 'district_id', name=op.f('pk_strand_district'))
    )
    op.create_table('strand_theme',
    sa.Column('strand_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['strand_id'], ['strand.id'], name=op.f('fk_strand_theme_strand_id_strand'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_strand_theme_theme_id_theme')),
    sa.PrimaryKeyConstraint('strand_id', 'theme_id', name=op.f('pk_strand_theme'))
    )
    op.create_table('return_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint('value >= 0', name=op.f('ck_return_value_value_not_negative')),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_return_value_measure_id_measure')),
    sa.ForeignKeyConstraint(['return_id'], ['return.id'], name=op.f('fk_return_value_return_id_return'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_value')),
    sa.UniqueConstraint('return_id', 'measure_id', name=op.f('uq_return_value_return_id_measure_id')),
    sqlite_autoincrement=True
    )
    _make_audit_append_only()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_refuse()")
    op.drop_table('return_value')
    op.drop_table('strand_theme')
    op.drop_table('strand_district')
    op.drop_table('return')
    op.drop_table('indicator_theme')
    op.drop_table('indicator_reading')
    op.drop_table('allocation')
    op.drop_table('strand')
    op.drop_table('indicator')
    op.drop_table('theme')
    op.drop_table('provider_district')
    op.drop_table('priority')
    op.drop_table('budget')
    op.drop_table('submission')
    op.drop_table('setting')
    op.drop_table('service_category')
    op.drop_table('return_period')
    op.drop_table('provider')
    op.drop_table('plan')
    op.drop_table('measure_rule')
    op.drop_table('measure')
    op.drop_table('funding_stream')
    op.drop_table('district')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_entity')
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
