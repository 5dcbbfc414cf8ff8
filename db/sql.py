"""Small helpers for running Core SQL from an AsyncSession in either dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

Parameters = dict[str, Any] | list[dict[str, Any]] | None


def insert_for(dialect: str, table: Any) -> Any:
    """INSERT with ON CONFLICT support in the given dialect."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def run(session: AsyncSession, statement: Any, parameters: Parameters = None) -> Any:
    """Runs a Core statement on the session's connection (a list of parameter sets: executemany).

    The hot path of every message skips the ORM's per-statement bookkeeping this way (about a
    millisecond per statement, measured with bench/updates.py).
    """
    connection = await session.connection()
    return await connection.execute(statement, parameters)


async def insert_once(session: AsyncSession, table: Any, **values: Any) -> int | None:
    """Inserts the row unless one with the same unique key exists (a job that fired twice, another
    process): the new row's id, or None."""
    statement = (
        insert_for(dialect_of(session), table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    )
    return (await run(session, statement)).scalar_one_or_none()  # type: ignore[no-any-return]
