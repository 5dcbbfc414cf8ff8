"""Runs the real Sigap Telegram service against the fake Bot API, and talks to it like Telegram does."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import SecretStr

from bot.app import SigapService
from bot.config import ConversationSettings, DeliverySettings, Settings, TelegramSettings, WebSettings
from db import outbox
from tests.fakes.telegram_api import FakeBotAPI
from tests.telegram_updates import callback_update, text_update

TOKEN = "123456:TEST-token-for-the-fake-api"
WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789"
WEBHOOK_PATH = "/telegram/webhook"


@dataclass
class FakeClock:
    """A clock the test moves by hand, so nothing depends on sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 3, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


# Quick retries; no per-chat spacing: it is measured in real seconds but postponed on the test's
# clock, which only moves by hand (tests/test_outbox.py covers the spacing itself).
TEST_DELIVERY = DeliverySettings(
    max_attempts=4, backoff_base_seconds=0.01, backoff_max_seconds=0.05, per_chat_interval_seconds=0
)
# The test clock stands still, so a whole report comes "at once": flood control is tested on its own
# (tests/test_flood_control.py), with a clock that moves.
TEST_CONVERSATION = ConversationSettings(flood_burst=10**6)


def test_settings(database_url: str, api_base: str, mode: str = "webhook") -> Settings:
    return Settings(
        telegram=TelegramSettings(mode=mode, api_base=api_base, request_timeout=5),  # type: ignore[arg-type]
        web=WebSettings(port=0),
        delivery=TEST_DELIVERY,
        conversation=TEST_CONVERSATION,
        database_url=SecretStr(database_url),
        telegram_token=SecretStr(TOKEN),
        telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
    )


@dataclass
class BotHarness:
    channel = "telegram"
    api: FakeBotAPI
    service: SigapService
    http: aiohttp.ClientSession
    clock: FakeClock
    # The JSON body of the last webhook response (Telegram runs a method given there).
    last_response: Any = None

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.service.web_port}{WEBHOOK_PATH}"

    async def post(self, payload: Any, secret: str | None = WEBHOOK_SECRET, raw: bytes | None = None) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = raw if raw is not None else json.dumps(payload).encode()
        if secret == WEBHOOK_SECRET:  # as if Telegram delivered it: its sender has written to the bot
            self.api.open_chat_of(payload)
        async with self.http.post(self.webhook_url, data=body, headers=headers) as response:
            body_text = await response.text()
            try:
                self.last_response = json.loads(body_text)
            except ValueError:  # aiohttp's own 413 page, for instance
                self.last_response = body_text
            return response.status

    async def drain_outbox(self) -> None:
        """Until nothing is pending. The service's own sender may be the one delivering (a round
        of the test's drain_once can find the message claimed by it, or give it back when it
        starts past its moment on a loaded machine), so one round is not enough to assert on."""
        assert self.service.sender is not None and self.service.core is not None
        for _ in range(200):
            await self.service.sender.drain_once()
            async with self.service.core.sessions() as session:
                if (await outbox.counts(session)).get("pending", 0) == 0:
                    return
            await asyncio.sleep(0.05)
        raise AssertionError("outbox did not drain")

    async def say(self, user_id: int, text: str) -> list[dict[str, Any]]:
        """Send a text as the user; returns the messages the bot sent back to that chat."""
        return await self._exchange(user_id, text_update(user_id, text))

    async def press(self, user_id: int, data: str) -> list[dict[str, Any]]:
        """Taps a button the bot showed this chat: a button no message offers fails the test (the
        bot never edits a keyboard away, so Telegram still shows every one it sent)."""
        assert_offered(self.api.sent(user_id), user_id, data)
        return await self._exchange(user_id, callback_update(user_id, data))

    async def press_forged(self, user_id: int, data: str) -> list[dict[str, Any]]:
        """Sends callback data no button of this chat carries: a forged or made-up button, on purpose."""
        assert data not in offered(self.api.sent(user_id)), f"{data!r} was offered: use press()"
        return await self._exchange(user_id, callback_update(user_id, data))

    async def _exchange(self, user_id: int, update: dict[str, Any]) -> list[dict[str, Any]]:
        before = len(self.api.sent(user_id))
        status = await self.post(update)
        assert status == 200, status
        return self.api.sent(user_id)[before:]

    async def send_photo(self, user_id: int) -> list[dict[str, Any]]:
        """A report's photo: handled before the webhook answers (only an ad's picture, which must
        be read first, is handled after), so its answer is there when the 200 is."""
        update = text_update(user_id, "")
        del update["message"]["text"]
        update["message"]["photo"] = [
            {"file_id": "PHOTO-FILE-ID", "file_unique_id": "p1", "width": 90, "height": 90}
        ]
        return await self._exchange(user_id, update)

    async def settled(self) -> None:
        """Waits for the messages handled after the webhook answered (pictures)."""
        await self.service.channels["telegram"].idle()

    async def type_village(self, user_id: int, code: str, button_prefix: str) -> list[dict[str, Any]]:
        """Types the village's name and regency, as a user answers "which village?", and presses
        the button the bot offers for it (pressing it untyped would press a button never shown)."""
        assert self.service.core is not None
        async with self.service.core.sessions() as session:
            place = (await self.service.core.services.regions.index(session)).get(code)
        assert place is not None, code
        replies = await self.say(user_id, f"{place.name}, {place.regency}")
        assert f"{button_prefix}{code}" in buttons_of(replies[-1]), replies[-1]
        return await self.press(user_id, f"{button_prefix}{code}")

    async def onboard(self, user_id: int, language: str = "id") -> None:
        await self.say(user_id, "/start")
        await self.press(user_id, f"lang:{language}")
        thanks = await self.press(user_id, "privacy:ok")
        if thanks and "menu:main" in buttons_of(
            thanks[-1]
        ):  # "later" to the offer: the menu, as a user gets it
            await self.press(user_id, "menu:main")


async def start_harness(database_url: str, api: FakeBotAPI, clock: FakeClock | None = None) -> BotHarness:
    return await start_harness_with(test_settings(database_url, api.base_url), api, clock or FakeClock())


async def start_harness_with(settings: Settings, api: FakeBotAPI, clock: FakeClock) -> BotHarness:
    # The village index is built on first search here: most tests never search (a second each).
    service = SigapService(settings, clock=clock, warm_village_index=False)
    await service.start()
    return BotHarness(api, service, aiohttp.ClientSession(), clock)


async def stop_harness(harness: BotHarness) -> None:
    await harness.http.close()
    await harness.service.stop()


def offered(messages: list[dict[str, Any]]) -> set[str]:
    return {data for message in messages for data in buttons_of(message)}


def assert_offered(messages: list[dict[str, Any]], user: int | str, data: str) -> None:
    if data not in offered(messages):
        last = next((buttons_of(m) for m in reversed(messages) if buttons_of(m)), [])
        raise AssertionError(
            f"{user} pressed {data!r}, which no message to them offers (the last buttons: {last}); "
            "to send made-up data on purpose use press_forged()"
        )


def buttons_of(message: dict[str, Any]) -> list[str]:
    if "buttons" in message:  # a WhatsApp message as tests/fakes/graph_api.py shows it
        return list(message["buttons"])
    markup = message.get("reply_markup") or {}
    return [button["callback_data"] for row in markup.get("inline_keyboard", []) for button in row]


ROOT = Path(__file__).resolve().parent.parent


def sigap_command(
    *args: str, sqlite_path: Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`sigap ARGS` as an operator types it, on its own SQLite file, with the shipped config.toml."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(ROOT / "config.toml"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "SIGAP_DATABASE__SQLITE_PATH": str(sqlite_path),
            **(env or {}),
        },
        timeout=180,
    )


async def start_sigap_run(env: dict[str, str], cwd: Path | None = None) -> asyncio.subprocess.Process:
    """`sigap run` as its own process, as an operator starts it (stderr kept for the log checks)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--config",
        str(ROOT / "config.toml"),
        "run",
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
    )
