"""Small helpers for running Core SQL from an AsyncSession in either dialect."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn

Parameters = dict[str, Any] | list[dict[str, Any]] | None


def insert_for(dialect: str, table: Any) -> Any:
    """INSERT with ON CONFLICT support in the given dialect."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def run(session: AsyncSession, statement: Any, parameters: Parameters = None) -> Any:
    """Runs a Core statement on the session's connection (a list of parameter sets: executemany).

    The hot path of every message skips the ORM's per-statement bookkeeping this way (about a
    millisecond per statement, measured with bench/updates.py). One trip into SQLAlchemy's
    greenlet for the connection and the statement, where AsyncSession.connection() and
    AsyncConnection.execute() took one each and built an async proxy of the connection every time
    (2-3 % of an update's CPU on PostgreSQL). The rows come back buffered, as from
    AsyncConnection.execute (no server-side cursor is asked for here).
    """
    return await greenlet_spawn(_run_on_connection, session.sync_session, statement, parameters)


def _run_on_connection(session: Session, statement: Any, parameters: Parameters) -> Any:
    return session.connection().execute(statement, parameters)


async def insert_once(session: AsyncSession, table: Any, **values: Any) -> int | None:
    """Inserts the row unless one with the same unique key exists (a job that fired twice, another
    process): the new row's id, or None."""
    statement = (
        insert_for(dialect_of(session), table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    )
    return (await run(session, statement)).scalar_one_or_none()  # type: ignore[no-any-return]


def within(column: Any, region_code: str | None) -> ColumnElement[bool]:
    """A region code and every code under it (61.12 holds 61.12.09.2001); None: everywhere.

    Codes under 61.12 lie between "61.12." and "61.12/" ("/" follows "." in byte order, which
    db.models.RegionCode keeps on PostgreSQL too): a range an index serves whatever the bound
    value, where LIKE '61.12.%' scans the table under a language collation or a generic plan."""
    if region_code is None:
        return literal(True)
    return or_(column == region_code, and_(column >= region_code + ".", column < region_code + "/"))


def under_any(column: Any, codes: Collection[str]) -> ColumnElement[bool]:
    """Any of the region codes or a code under one (within() of many), for well-formed codes
    (two characters a level, dotted): the code's first characters in a list per code length. A
    chain of one range per region would be as deep as the regions are many, and SQLite refuses
    an expression tree deeper than 1,000. Bounded by the range from the lowest code to the end of
    the highest, which an index serves (one province's regencies: that province's rows only)."""
    if not codes:
        return literal(False)
    by_length: dict[int, list[str]] = {}
    for code in sorted(set(codes)):
        by_length.setdefault(len(code), []).append(code)
    return and_(
        column >= min(codes),
        column < max(code + "/" for code in codes),
        or_(*(func.substr(column, 1, length).in_(group) for length, group in by_length.items())),
    )
