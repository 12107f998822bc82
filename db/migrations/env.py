"""Alembic environment: run from code by `desktop_app.store.migrations`, never by hand-made config.

The caller passes an open connection in `config.attributes["connection"]`. Batch mode lets
SQLite change tables it cannot ALTER; the naming convention on the metadata names every
constraint so batch rebuilds keep them.
"""

from alembic import context

from desktop_app.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` on the command line, for writing a new revision
    from sqlalchemy import create_engine

    url = config.get_main_option("sqlalchemy.url") or "sqlite:///dev-migrations.sqlite"
    connection = create_engine(url).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
