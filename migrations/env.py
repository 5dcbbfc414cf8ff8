"""Alembic environment: async engines, batch mode for SQLite, and a connection handed in by `sigap`."""

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from db.models import Base
from db.session import create_engine

target_metadata = Base.metadata


def run_with_connection(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table.
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def database_url() -> str:
    url = os.environ.get("SIGAP_DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set SIGAP_DATABASE_URL to the database to migrate")
    return url


async def run_async() -> None:
    engine = create_engine(database_url())
    async with engine.begin() as connection:
        await connection.run_sync(run_with_connection)
    await engine.dispose()


# `sigap` runs migrations inside its own event loop and passes its connection (Alembic cookbook:
# sharing a connection); the plain `alembic` command line starts a loop of its own.
shared_connection = context.config.attributes.get("connection")
if shared_connection is not None:
    run_with_connection(shared_connection)
elif context.is_offline_mode():
    context.configure(
        url=database_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_async())
