"""Village searches cannot hold up other users: text too long to be a village name is refused
politely before any search, and a search runs in a thread outside the turn's transaction, so
another user's /bantuan is answered while searches are still running (issue 14, item 6).
The bound on a search's cost is measured by bench/village_search_bound.py."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from bot.cli import admin
from db.roles import Role
from ground.i18n import Content, default_content_dir
from handlers.regions.search import MAX_QUERY_CHARS, Place
from tests.harness import BotHarness, buttons_of

SEARCHERS = (1601, 1602, 1603)
HELPER, COORDINATOR, REPORTER = 1604, 1605, 1606
# Only keeps a broken build from hanging forever; nothing is asserted on time.
GUARD_SECONDS = 30.0
NOT_FOUND = Content.load(default_content_dir(), "id").texts("id")("report.village_not_found")


class GatedIndex:
    """Stands in for the village index: each search waits until the test opens the gate, so the
    test can see what the bot does while searches are in progress."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self._lock = threading.Lock()
        self.started = 0
        self.finished = 0

    def search(self, query: str, limit: int = 5) -> list[Place]:
        with self._lock:
            self.started += 1
        self.gate.wait(GUARD_SECONDS)
        with self._lock:
            self.finished += 1
        return []

    def get(self, code: str) -> Place | None:
        return None


async def until(condition: Any) -> None:
    for _ in range(int(GUARD_SECONDS / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


async def test_help_is_answered_while_other_users_searches_run(bot: BotHarness) -> None:
    for user in (*SEARCHERS, HELPER):
        await bot.onboard(user)
    for user in SEARCHERS:
        [asked] = await bot.press(user, "menu:subscribe")
        assert "desa mana" in asked["text"]
    assert bot.service.core is not None
    gated = GatedIndex()
    bot.service.core.services.regions._index = gated  # type: ignore[assignment]

    before = len(bot.api.sent())
    searches = [asyncio.create_task(bot.say(user, ("jaya " * 20)[:MAX_QUERY_CHARS])) for user in SEARCHERS]
    try:
        await until(lambda: gated.started == len(SEARCHERS))
        help_replies = await bot.say(HELPER, "/bantuan")
        finished_before_help = gated.finished
    finally:
        gated.gate.set()
    answers = await asyncio.gather(*searches)

    assert help_replies and "/lapor" in help_replies[0]["text"], help_replies
    assert finished_before_help == 0, "the help was answered while all three searches were running"
    arrivals = [str(message["chat_id"]) for message in bot.api.sent()[before:]]
    for user, replies in zip(SEARCHERS, answers, strict=True):
        assert NOT_FOUND in replies[-1]["text"]
        assert arrivals.index(str(HELPER)) < arrivals.index(str(user)), "the help came first"


async def test_text_too_long_for_a_village_name_is_refused_politely(bot: BotHarness) -> None:
    core = bot.service.core
    assert core is not None
    gated = GatedIndex()
    gated.gate.set()
    core.services.regions._index = gated  # type: ignore[assignment]
    await admin.grant(core, Role.COORDINATOR, f"telegram:{COORDINATOR}", "61.12")
    for user in (REPORTER, COORDINATOR):
        await bot.onboard(user)

    await bot.press(REPORTER, "menu:subscribe")
    [refused] = await bot.say(REPORTER, "jaya" * 600)
    assert "terlalu panjang (lebih dari 100 huruf)" in refused["text"]
    assert NOT_FOUND not in refused["text"]

    await bot.say(COORDINATOR, "/undang")
    [refused] = await bot.say(COORDINATOR, "a" * 1500)
    assert "terlalu panjang" in refused["text"]

    for step in ("menu:report", "rp:yes", "rp:k:missing"):
        await bot.press(REPORTER, step)
    await bot.say(REPORTER, "Siti")
    await bot.say(REPORTER, "19")
    replies = await bot.press(REPORTER, "rp:c:female")
    assert "desa" in replies[-1]["text"].lower()
    replies = await bot.say(REPORTER, "sungai kakap " * 10)
    assert "terlalu panjang" in replies[-1]["text"] and "rp:cancel" in buttons_of(replies[-1])
    assert gated.started == 0, "none of them was searched"
    # A name within the limit is searched as before.
    replies = await bot.say(REPORTER, "sungai kakap")
    assert gated.started == 1 and NOT_FOUND in replies[-1]["text"]
