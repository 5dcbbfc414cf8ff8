"""Long polling confirms an update only after its turn committed (issue 14, item 7): a `sigap run`
process killed with -9 in the middle of a turn, or PostgreSQL dropping its connections then, loses
nothing: after a restart (or at once) the report is answered, stored and forwarded, once each."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.app import open_core
from bot.cli import admin
from bot.config import Settings
from db.models import Case, OutboxMessage
from db.roles import Role
from db.session import create_engine, create_sessionmaker
from tests.harness import TOKEN, start_sigap_run
from tests.telegram_updates import callback_update, text_update

COORDINATOR, VILLAGER = 1701, 1702
SUNGAI_KAKAP = "61.12.09.2001"
REFERENCE = "TPPO-6112-000001"
# Guards against a hang only (a process starting on a busy machine); nothing is asserted on time.
WITHIN = 120.0


async def start_process(database_url: str, api_base: str) -> asyncio.subprocess.Process:
    return await start_sigap_run(
        {
            "SIGAP_TELEGRAM_TOKEN": TOKEN,
            "SIGAP_TELEGRAM__API_BASE": api_base,
            "SIGAP_DATABASE_URL": database_url,
            "SIGAP_DELIVERY__BACKOFF_BASE_SECONDS": "0.2",
            "SIGAP_DELIVERY__BACKOFF_MAX_SECONDS": "0.5",
            "SIGAP_DELIVERY__OUTBOX_LEASE_SECONDS": "2",
        }
    )


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 60)
        except TimeoutError:
            process.kill()
            await process.wait()


async def exchange(api: Any, update: dict[str, Any], chat: int = VILLAGER) -> str:
    before = len(api.sent(chat))
    api.push_update(update)
    await api.wait_for_sent(before + 1, chat_id=chat, within=WITHIN)
    return str(api.sent(chat)[-1]["text"])


async def up_to_the_send_button(api: Any) -> None:
    """The coordinator opens the bot; the villager fills in a report, up to "Kirim"."""
    await exchange(api, text_update(COORDINATOR, "/start"), chat=COORDINATOR)
    steps: list[dict[str, Any]] = [
        text_update(VILLAGER, "/start"),
        callback_update(VILLAGER, "lang:id"),
        callback_update(VILLAGER, "privacy:ok"),
        callback_update(VILLAGER, "menu:report"),
        callback_update(VILLAGER, "rp:yes"),
        callback_update(VILLAGER, "rp:k:warning"),
        text_update(VILLAGER, "Rina"),
        callback_update(VILLAGER, "rp:skip"),
        callback_update(VILLAGER, "rp:skip"),
        callback_update(VILLAGER, f"rp:v:{SUNGAI_KAKAP}"),
        *[callback_update(VILLAGER, "rp:skip") for _ in range(7)],
        callback_update(VILLAGER, "rp:c:sibling"),
        callback_update(VILLAGER, "rp:c:yes"),
    ]
    for update in steps:
        await exchange(api, update)


async def prepare(database_url: str) -> None:
    core = await open_core(Settings(database_url=SecretStr(database_url)))
    try:
        await admin.grant(core, Role.COORDINATOR, f"telegram:{COORDINATOR}", "61.12")
    finally:
        await core.close()


@asynccontextmanager
async def database_held(database_url: str) -> AsyncIterator[None]:
    """Another connection holds what the turn needs: the turn waits inside its transaction
    (PostgreSQL: the cases table locked; SQLite: the write lock)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        # In a thread: waiting for the lock must not stop the event loop the bot's turns run on.
        connection = sqlite3.connect(
            str(url.database), timeout=30, isolation_level=None, check_same_thread=False
        )
        await asyncio.to_thread(connection.execute, "BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    pg = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    transaction = pg.transaction()
    await transaction.start()
    await pg.execute("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        await transaction.rollback()
        await pg.close()


async def turn_waiting(database_url: str, api: Any, press: dict[str, Any]) -> None:
    """Returns once the bot is inside the turn for this button press."""
    query_id = press["callback_query"]["id"]
    deadline = time.monotonic() + WITHIN
    while not [
        c for c in api.calls_to("answercallbackquery") if c.params.get("callback_query_id") == query_id
    ]:
        assert time.monotonic() < deadline, "the bot never took the update"
        await asyncio.sleep(0.02)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        await asyncio.sleep(0.5)  # at BEGIN IMMEDIATE, or about to be: nothing committed either way
        return
    pg = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        while not await pg.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
            url.database,
        ):
            assert time.monotonic() < deadline, "the turn never reached the locked table"
            await asyncio.sleep(0.02)
    finally:
        await pg.close()


async def drop_connections(database_url: str) -> int:
    url = make_url(database_url)
    pg = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        return int(
            await pg.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'",
                url.database,
            )
        )
    finally:
        await pg.close()


async def stored_cases(database_url: str) -> tuple[int, list[str]]:
    database = create_engine(database_url)
    try:
        async with create_sessionmaker(database)() as session:
            cases = (await session.execute(select(func.count()).select_from(Case))).scalar_one()
            forwards = (
                await session.execute(
                    select(OutboxMessage.status).where(OutboxMessage.chat_id == str(COORDINATOR))
                )
            ).scalars()
            return int(cases), list(forwards)
    finally:
        await database.dispose()


async def answered_once(api: Any, database_url: str) -> None:
    """The report's confirmation reached the villager and its forward the coordinator, once each."""
    await api.wait_for_sent(2, chat_id=COORDINATOR, within=WITHIN)  # the answer to /start, the forward
    deadline = time.monotonic() + WITHIN
    while api.unconfirmed_updates:
        assert time.monotonic() < deadline, "the update was never confirmed"
        await asyncio.sleep(0.05)
    await asyncio.sleep(3)  # longer than the outbox lease: a duplicate would have come by now
    confirmations = [m for m in api.sent(VILLAGER) if REFERENCE in m["text"]]
    forwards = [m for m in api.sent(COORDINATOR) if REFERENCE in m["text"]]
    assert len(confirmations) == 1 and len(forwards) == 1
    assert await stored_cases(database_url) == (1, ["sent"])


async def test_killed_mid_turn_the_update_is_handled_after_restart(database_url: str, fake_api: Any) -> None:
    await prepare(database_url)
    first = await start_process(database_url, fake_api.base_url)
    try:
        await up_to_the_send_button(fake_api)
        press = callback_update(VILLAGER, "rp:send")
        async with database_held(database_url):
            fake_api.push_update(press)
            await turn_waiting(database_url, fake_api, press)
            first.send_signal(signal.SIGKILL)  # mid-turn: no clean-up, no goodbye
            await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
    assert fake_api.unconfirmed_updates == [press["update_id"]], "Telegram still holds the update"
    assert await stored_cases(database_url) == (0, [])

    second = await start_process(database_url, fake_api.base_url)
    try:
        await answered_once(fake_api, database_url)
    finally:
        await stop(second)


async def test_postgres_dropping_connections_mid_turn_loses_nothing(database_url: str, fake_api: Any) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's own behaviour (SQLite has no connections to drop)")
    await prepare(database_url)
    process = await start_process(database_url, fake_api.base_url)
    try:
        await up_to_the_send_button(fake_api)
        press = callback_update(VILLAGER, "rp:send")
        async with database_held(database_url):
            fake_api.push_update(press)
            await turn_waiting(database_url, fake_api, press)
            assert await drop_connections(database_url) >= 1  # what a PostgreSQL restart does
        await answered_once(fake_api, database_url)
    finally:
        await stop(process)
