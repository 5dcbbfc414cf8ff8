"""Engine and session factory for the embedded SQLite default and PostgreSQL in production."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import PoolResetState

from db.crypto import FieldCipher
from db.sqlite_driver import InLoopDBAPI, OneTripDBAPI, one_trip_dbapi
from ground.private_files import make_private

# Database drivers log every statement WITH its parameters at DEBUG (aiosqlite) or INFO (SQLAlchemy
# echo): report names and phone numbers. They stay at WARNING whatever level the app logs at.
QUIET_LOGGERS = ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool")
# How long a turn waits for a PostgreSQL connection (the pool's, and the engine's turn gate, which
# lets no more turns at once than the pool keeps: bot/engine.py) before the update is refused
# for re-delivery.
POOL_TIMEOUT_SECONDS = 30
# How long a SQLite statement waits for the write lock another connection holds (a second process,
# a CLI command) before it fails with "database is locked".
SQLITE_BUSY_SECONDS = 30


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    """An async engine tuned for the backend the URL names."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url)
    # No pool_pre_ping: it costs a round trip per message. A connection PostgreSQL dropped is
    # invalidated on first use; that message is refused as a TemporaryFailure and re-delivered.
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        hide_parameters=True,
    )


def _create_sqlite_engine(url: str) -> AsyncEngine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # The database holds every report: readable by the service's user only, whatever the
        # umask (SQLite would create it 0644). Its -wal and -shm take the same mode; older ones
        # left readable by an earlier version are closed too.
        for suffix in ("", "-wal", "-shm", "-journal"):
            make_private(Path(f"{database}{suffix}"), create=suffix == "")
    # isolation_level=None hands transaction control to us, so BEGIN IMMEDIATE below takes the
    # write lock up front: two concurrent read-then-write turns then queue instead of failing
    # with "database is locked" when one tries to upgrade its read lock.
    # One connection: SQLite lets one writer in at a time anyway, and waiting for the pooled
    # connection is an asyncio wait, where waiting on SQLite's lock is its busy handler sleeping
    # in steps of up to 100 ms. hide_parameters: errors must not carry personal data into logs.
    # A turn's own statements run in the event loop's thread (db/sqlite_driver.py, bot/engine.py):
    # the connection's busy timeout is 0 and every wait for the lock is an asyncio sleep.
    engine = _one_sqlite_connection(url, InLoopDBAPI(SQLITE_BUSY_SECONDS), busy_timeout=0)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _one_sqlite_connection(
    url: str | URL, module: OneTripDBAPI | None = None, busy_timeout: float = SQLITE_BUSY_SECONDS
) -> AsyncEngine:
    """A pool of one connection (see create_engine), with the driver's own transactions off so
    that the "begin" listeners say how each transaction begins. check_same_thread: an in-loop
    connection (InLoopDBAPI) is used from the loop's thread as well as the driver's, one at a
    time."""
    engine = create_async_engine(
        url,
        connect_args={"timeout": busy_timeout, "isolation_level": None, "check_same_thread": False},
        hide_parameters=True,
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
        # The rollback on return is done by _rollback_if_open below.
        pool_reset_on_return=None,
        # Each statement one trip to aiosqlite's thread, not four (db/sqlite_driver.py).
        module=module or one_trip_dbapi(),
    )

    @event.listens_for(engine.sync_engine, "reset")
    def _rollback_if_open(dbapi_connection: Any, _record: Any, reset_state: PoolResetState) -> None:
        """What the pool's rollback on return did (a transaction a cancelled task left open is
        rolled back before the next turn gets the connection), but only when a transaction is
        open: after every commit it was a no-op that still went to the driver's thread and back,
        one of about 16 such trips per message (bench/updates.py)."""
        if not reset_state.asyncio_safe or reset_state.transaction_was_reset:
            return  # where and when the pool itself would not roll back
        if dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()

    return engine


def one_connection(url: str | URL) -> AsyncEngine:
    """An engine of one connection for a background reader of its own. SQLite: the driver's
    transactions off (autocommit, not the BEGIN IMMEDIATE of the chat engine), so reading never
    holds SQLite's write lock."""
    if make_url(url).get_backend_name() == "sqlite":
        return _one_sqlite_connection(url)
    return create_async_engine(url, pool_size=1, max_overflow=0, hide_parameters=True)


def create_reader(engine: AsyncEngine) -> AsyncEngine:
    """An engine for long reads (a year of national statistics) made outside any turn.

    SQLite: a connection of its own, read-only, whose transactions begin deferred: in WAL mode
    it reads a snapshot while the one writing connection goes on serving every other user (the
    turn's connection would be held for the whole read, and BEGIN IMMEDIATE would take the write
    lock). PostgreSQL (and an in-memory SQLite, which another connection cannot see): the same
    engine, whose pool already gives each reader a connection of its own."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return engine
    reader = _one_sqlite_connection(engine.url)

    @event.listens_for(reader.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(reader.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Deferred: the snapshot starts at the first read, and no lock that writers wait for.
        connection.exec_driver_sql("BEGIN")

    return reader


def create_sessionmaker(
    engine: AsyncEngine, cipher: FieldCipher | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions carry the cipher for personal fields (db/crypto.py) in session.info."""
    # expire_on_commit=False: attributes must stay readable after commit without lazy IO.
    return async_sessionmaker(engine, expire_on_commit=False, info={"cipher": cipher})


def is_postgresql(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"
