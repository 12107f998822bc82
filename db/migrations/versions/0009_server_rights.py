"""Who may do what, enforced by PostgreSQL; audit rows written by the server

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

On PostgreSQL: four group roles for this database (reader, officer, finance, administrator)
with per-table grants, the guards on reopening a locked return and on the six-monthly
sign-off, the functions through which an administrator manages people, and triggers with
which the server writes the audit trail itself (`desktop_app.store.server_rights`,
`desktop_app.store.server_audit`; the migration runner installs them again after every later
upgrade, so tables added later get their grants). Creating roles needs CREATEROLE: the
database's owner runs this upgrade. On SQLite nothing changes: one person, every right, and the
program's own audit trail as before.
"""

from alembic import op

from desktop_app.store.server_rights import install_server_rights, remove_server_rights

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    install_server_rights(op.get_bind())


def downgrade() -> None:
    remove_server_rights(op.get_bind())
