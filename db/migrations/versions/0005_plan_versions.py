"""Plan versions: indicators belong to a plan, may carry on another's series; spotlights

Revision ID: 0005 (it follows the latest revision: see down_revision)

An indicator's code is unique within its plan (each plan numbers its own "1.1"), the indicator
records its plan directly (filled in from its priority's plan) and, when it carries on an
indicator of an earlier plan, which one. A priority may be a plan's spotlight.
"""

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = '0004'
branch_labels = None
depends_on = None

# `indicator` is audited: its ids must never be reused, so rebuilds keep AUTOINCREMENT.
_AUDITED = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("priority") as batch:
        batch.add_column(sa.Column("spotlight", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("indicator", table_kwargs=_AUDITED) as batch:
        batch.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("continues_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE indicator SET plan_id ="
        " (SELECT priority.plan_id FROM priority WHERE priority.id = indicator.priority_id)"
    )
    with op.batch_alter_table("indicator", table_kwargs=_AUDITED) as batch:
        batch.alter_column("plan_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("uq_indicator_code", type_="unique")
        batch.create_unique_constraint("uq_indicator_plan_id_code", ["plan_id", "code"])
        batch.create_foreign_key("fk_indicator_plan_id_plan", "plan", ["plan_id"], ["id"])
        batch.create_foreign_key("fk_indicator_continues_id_indicator", "indicator", ["continues_id"], ["id"])


def downgrade() -> None:
    # Only possible while no two plans share an indicator code (one plan loaded).
    with op.batch_alter_table("indicator", table_kwargs=_AUDITED) as batch:
        batch.drop_constraint("fk_indicator_continues_id_indicator", type_="foreignkey")
        batch.drop_constraint("fk_indicator_plan_id_plan", type_="foreignkey")
        batch.drop_constraint("uq_indicator_plan_id_code", type_="unique")
        batch.create_unique_constraint("uq_indicator_code", ["code"])
        batch.drop_column("continues_id")
        batch.drop_column("plan_id")
    with op.batch_alter_table("priority") as batch:
        batch.drop_column("spotlight")
