"""kill -9 after a report is committed but before its forward is delivered: a restart delivers it once."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select

from bot.app import open_core
from bot.cli import admin
from bot.config import Settings
from db.models import OutboxMessage
from db.roles import Role
from db.session import create_engine, create_sessionmaker
from tests.harness import TOKEN, start_sigap_run
from tests.telegram_updates import callback_update, text_update

ROOT = Path(__file__).resolve().parent.parent
COORDINATOR, VILLAGER = 901, 902
SUNGAI_KAKAP = "61.12.09.2001"


async def start_process(database_url: str, api_base: str) -> asyncio.subprocess.Process:
    return await start_sigap_run(
        {
            "SIGAP_TELEGRAM_TOKEN": TOKEN,
            "SIGAP_TELEGRAM__API_BASE": api_base,
            "SIGAP_DATABASE_URL": database_url,
            "SIGAP_DELIVERY__BACKOFF_BASE_SECONDS": "0.2",
            "SIGAP_DELIVERY__BACKOFF_MAX_SECONDS": "0.5",
            "SIGAP_DELIVERY__MAX_ATTEMPTS": "1000",
            "SIGAP_DELIVERY__OUTBOX_LEASE_SECONDS": "2",
        }
    )


async def exchange(api: Any, update: dict[str, Any]) -> str:
    """Push an update to the polling bot and wait for its answer to the villager."""
    before = len(api.sent(VILLAGER))
    api.push_update(update)
    await api.wait_for_sent(before + 1, chat_id=VILLAGER, within=120)
    return str(api.sent(VILLAGER)[-1]["text"])


async def pending_forwards(database_url: str) -> list[str]:
    database = create_engine(database_url)
    try:
        async with create_sessionmaker(database)() as session:
            rows = await session.execute(
                select(OutboxMessage.status).where(OutboxMessage.chat_id == str(COORDINATOR))
            )
            return list(rows.scalars())
    finally:
        await database.dispose()


async def test_forward_committed_then_killed_is_delivered_once_after_restart(
    database_url: str, fake_api: Any
) -> None:
    core = await open_core(Settings(database_url=SecretStr(database_url)))
    await admin.grant(core, Role.COORDINATOR, f"telegram:{COORDINATOR}", "61.12")
    await core.close()

    first = await start_process(database_url, fake_api.base_url)
    try:
        # The coordinator has opened the bot (a bot may not write first to anyone).
        fake_api.push_update(text_update(COORDINATOR, "/start"))
        await fake_api.wait_for_sent(1, chat_id=COORDINATOR, within=120)  # the process starting
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
            await exchange(fake_api, update)
        # The coordinator's chat fails from now on: the forward stays in the outbox.
        fake_api.fail_next("sendMessage", 502, times=100_000, chat_id=COORDINATOR)
        answer = await exchange(fake_api, callback_update(VILLAGER, "rp:send"))
        assert "TPPO-6112-000001" in answer  # committed: the reporter has the reference
        deadline = time.monotonic() + 120
        while (
            len([c for c in fake_api.calls_to("sendmessage") if c.params.get("chat_id") == str(COORDINATOR)])
            < 2
        ):  # the answer to /start, then the forward
            assert time.monotonic() < deadline, "the first process never tried to forward"
            await asyncio.sleep(0.05)
        first.send_signal(signal.SIGKILL)  # no clean-up, no goodbye
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()

    assert len(fake_api.sent(COORDINATOR)) == 1, "only the answer to /start"
    assert await pending_forwards(database_url) == ["pending"]
    fake_api.faults.clear()

    second = await start_process(database_url, fake_api.base_url)
    try:
        await fake_api.wait_for_sent(2, chat_id=COORDINATOR, within=120)  # the process starting
        await asyncio.sleep(3)  # longer than the lease: a duplicate would have arrived by now
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), 30)
    forwards = fake_api.sent(COORDINATOR)[1:]
    assert len(forwards) == 1 and "TPPO-6112-000001" in forwards[0]["text"]
    assert await pending_forwards(database_url) == ["sent"]
