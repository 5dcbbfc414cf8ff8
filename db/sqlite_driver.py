"""SQLAlchemy's aiosqlite adapter with one trip to the driver's thread per statement.

aiosqlite runs SQLite in a thread of its own; every call is a trip there and back (a future, a
wake-up of the event loop, the interpreter lock changing hands). SQLAlchemy's adapter made four
for each statement (open a cursor, execute, fetch the rows, close the cursor) and three for a
BEGIN: about 15 trips per chat message, a third of the bot's CPU on SQLite (bench/updates.py,
docs/performance.md). Here the four run as one function in that thread; what SQLAlchemy then asks
of the cursor (rows, description, rowcount, lastrowid) is answered from what came back. The
statements, their order, their transactions and their errors are SQLite's as before: only the
trips are fewer. Streaming cursors (server-side) are not used by Sigap and keep the adapter's own.

The chat engine's connection goes further (InLoopDBAPI): inside `statements_in_loop()` (a chat
turn's own statements, bot/engine.py) its statements and ROLLBACK run in the event loop's own
thread, with no trip at all (such a statement on a local WAL database takes microseconds, the trip
several times that). COMMIT still goes to the driver's thread: it waits for the disk. The loop
must never wait on SQLite's lock: that connection's busy timeout is 0, and a statement SQLite
refuses as busy (another process holds the write lock) is tried again after an asyncio sleep, in
SQLite's own busy handler's steps, for the same budget its busy timeout had; then SQLite's error
is raised as before.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_T = TypeVar("_T")
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


# Whether this task's statements on an in-loop connection run in the event loop's thread: a
# context variable, as the decision belongs to the task's current work (a turn's own short
# statements), not to the connection, which serves the sender and jobs as well.
_IN_LOOP: ContextVar[bool] = ContextVar("sqlite_statements_in_loop", default=False)

# The pauses of SQLite's own busy handler (sqliteDefaultBusyCallback), in seconds: short at first,
# as most locks are held for a few milliseconds, then 100 ms.
_BUSY_STEPS = (0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.025, 0.025, 0.05, 0.05, 0.1)
# SQLite's busy handler waits on these; on SQLITE_BUSY_SNAPSHOT it does not, nor do we.
_WAITED_ON = frozenset({sqlite3.SQLITE_BUSY, 261})  # 261: SQLITE_BUSY_RECOVERY


@contextmanager
def statements_in_loop(on: bool = True) -> Iterator[None]:
    """In this block (this task), statements and ROLLBACK on an in-loop connection (the SQLite
    chat engine's) run in the event loop's thread (COMMIT never: it waits for the disk); with
    on=False in the driver's thread again (work of unknown length inside such a block: a
    handler's export). Elsewhere, and for other engines (PostgreSQL, SQLite's reader), it
    changes nothing."""
    token = _IN_LOOP.set(on)
    try:
        yield
    finally:
        _IN_LOOP.reset(token)


def _busy(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and (
        getattr(error, "sqlite_errorcode", None) in _WAITED_ON
    )


async def _until_not_busy(attempt: Callable[[], Awaitable[_T]], budget: float) -> _T:
    """Called after an attempt found SQLite busy: sleep and try again, as SQLite's busy handler
    would in its thread, until `budget` seconds have passed; then SQLite's error as it was."""
    deadline = time.monotonic() + budget
    step = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return await attempt()  # a last try: its busy error is the one a busy timeout gives
        await asyncio.sleep(min(_BUSY_STEPS[min(step, len(_BUSY_STEPS) - 1)], remaining))
        step += 1
        try:
            return await attempt()
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise


async def _in_loop(function: Callable[[], _T]) -> _T:
    return function()


class InLoopCursor(OneTripCursor):
    """OneTripCursor, but inside statements_in_loop() the statement runs here, in the loop."""

    __slots__ = ()

    _adapt_connection: InLoopConnection

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        return self._statement(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        return self._statement(operation, seq_of_parameters, many=True)

    def _statement(self, operation: Any, parameters: Any, many: bool) -> None:
        adapt = self._adapt_connection
        try:
            if not adapt.runs_here():
                await_(
                    adapt.when_free(partial(OneTripCursor._in_one_trip, self, operation, parameters, many))
                )
                return
            outcome = adapt.here(partial(_run, adapt._connection._conn, operation, parameters, many))
        except Exception as error:
            adapt._handle_exception(error)
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows)


class InLoopConnection(OneTripConnection):
    """The connection of SQLite's chat engine: busy timeout 0, every wait for SQLite's lock an
    asyncio sleep; inside statements_in_loop() its statements and ROLLBACK make no trip to the
    driver's thread."""

    __slots__ = ()
    _cursor_cls = InLoopCursor
    dbapi: InLoopDBAPI

    def runs_here(self) -> bool:
        # A statement already on its way through the driver's thread (never, with the pool's
        # one holder at a time) is waited for there rather than overtaken.
        return _IN_LOOP.get() and not self._execute_mutex.locked()

    def here(self, function: Callable[[], _T]) -> _T:
        """Run in the loop's thread; SQLite busy: sleep and retry (an asyncio wait, not SQLite's).
        Through await_ all the same, as a trip would: SQLAlchemy's AsyncConnection refuses a
        statement that never awaited (AwaitRequired), and the switch costs a microsecond."""
        return await_(self.when_free(partial(_in_loop, function)))

    async def when_free(self, attempt: Callable[[], Awaitable[_T]]) -> _T:
        """The attempt, and if SQLite is busy, sleeps and attempts again (its busy timeout is 0)."""
        try:
            return await attempt()
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise
        return await _until_not_busy(attempt, self.dbapi.busy_seconds)

    def commit(self) -> None:
        """Always in the driver's thread: a COMMIT waits for the disk (the WAL's fsync, 0.6 ms
        typically and up to 16 ms on this machine; SQLite's autocheckpoint inside it), which the
        loop must not. The one trip a turn still makes."""
        driver = self._connection
        if not driver._connection:
            return  # closed: as SQLAlchemy's adapter
        try:
            await_(self.when_free(driver.commit))
        except Exception as error:
            self._handle_exception(error)

    def rollback(self) -> None:
        """In the loop's thread inside statements_in_loop(): a ROLLBACK in WAL mode drops pages
        from memory and writes nothing."""
        driver = self._connection
        if not driver._connection:
            return
        try:
            if self.runs_here():
                self.here(driver._conn.rollback)
            else:
                await_(self.when_free(driver.rollback))
        except Exception as error:
            self._handle_exception(error)


class InLoopDBAPI(OneTripDBAPI):
    """The DBAPI module of SQLite's chat engine (db/session.py): connections as InLoopConnection.
    busy_seconds: how long a statement waits for SQLite's write lock (the busy timeout it had)."""

    def __init__(self, busy_seconds: float) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.busy_seconds = busy_seconds

    def connect(self, *args: Any, **kw: Any) -> InLoopConnection:
        return InLoopConnection(self, AsyncAdapt_aiosqlite_dbapi.connect(self, *args, **kw)._connection)
