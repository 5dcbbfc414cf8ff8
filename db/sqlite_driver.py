"""SQLAlchemy's aiosqlite adapter with one trip to the driver's thread per statement.

aiosqlite runs SQLite in a thread of its own; every call is a trip there and back (a future, a
wake-up of the event loop, the interpreter lock changing hands). SQLAlchemy's adapter made four
for each statement (open a cursor, execute, fetch the rows, close the cursor) and three for a
BEGIN: about 15 trips per chat message, a third of the bot's CPU on SQLite (bench/updates.py,
docs/performance.md). Here the four run as one function in that thread; what SQLAlchemy then asks
of the cursor (rows, description, rowcount, lastrowid) is answered from what came back. The
statements, their order, their transactions and their errors are SQLite's as before: only the
trips are fewer. Streaming cursors (server-side) are not used by Sigap and keep the adapter's own.
"""

from __future__ import annotations

import collections
import sqlite3
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

_Outcome = tuple[Any, int, int | None, list[Any]]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """In the driver's thread: the whole statement, its cursor opened and closed around it."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose statement runs in one trip; it holds no driver cursor between calls."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    # Nothing to close in the driver's thread: the statement's cursor is closed there already.
    _awaitable_cursor_close = False

    def __init__(self, adapt_connection: Any) -> None:  # no trip to open a cursor
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass  # every row is fetched with the statement

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._in_one_trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._in_one_trip(operation, seq_of_parameters, many=True)

    async def _in_one_trip(self, operation: Any, parameters: Any, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            driver = self._connection
            outcome: _Outcome = await driver._execute(  # aiosqlite's own way into its thread
                partial(_run, driver._conn, operation, parameters, many)
            )
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows)

    def nextset(self) -> None:
        self._rows.clear()

    def setinputsizes(self, *inputsizes: Any) -> None:
        pass


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect is given (create_async_engine's `module`)."""

    def connect(self, *args: Any, **kw: Any) -> OneTripConnection:
        # SQLAlchemy's own connect (its creator hook, the driver's thread made a daemon), rewrapped.
        return OneTripConnection(self, super().connect(*args, **kw)._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
