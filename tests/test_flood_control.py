"""Flood control survives clock steps: a clock stepped back (NTP, a VM restored) starts a new
window instead of silencing a normal user until the clock catches up (issue 14, item 13)."""

from __future__ import annotations

from typing import Any

from bot.config import ConversationSettings
from tests import harness as rig
from tests.harness import FakeClock, buttons_of, start_harness_with, stop_harness

ALICE = 1301


async def test_clock_stepped_back_an_hour_does_not_refuse_a_normal_user(
    database_url: str, fake_api: Any
) -> None:
    clock = FakeClock()
    settings = rig.test_settings(database_url, fake_api.base_url)
    settings = settings.model_copy(update={"conversation": ConversationSettings(max_messages_per_minute=3)})
    harness = await start_harness_with(settings, fake_api, clock)
    try:
        for _ in range(3):
            assert await harness.say(ALICE, "/start")
        clock.advance(hours=-1)  # the server's clock is corrected backwards
        replies = await harness.say(ALICE, "/start")
        assert replies and "terlalu banyak" not in replies[-1]["text"], "answered, not told to slow down"
        assert buttons_of(replies[-1]) == ["lang:id", "lang:en"]
        # Flood control still works in the new window: three are fine, the fourth is refused.
        for _ in range(2):
            assert await harness.say(ALICE, "/start")
        slow_down = await harness.say(ALICE, "/start")
        assert "terlalu banyak" in slow_down[0]["text"]
        assert buttons_of(slow_down[-1]) == ["lang:id", "lang:en"], "the open question again"
        # And a step forward starts a new window too.
        clock.advance(hours=2)
        replies = await harness.say(ALICE, "/start")
        assert buttons_of(replies[-1]) == ["lang:id", "lang:en"]
    finally:
        await stop_harness(harness)


async def test_a_person_tapping_is_never_refused_and_a_flood_is_told_once(
    database_url: str, fake_api: Any
) -> None:
    """Bursts and a sustained pace of one message a second are a person reading and tapping; a
    script sending hundreds in a minute is stopped, told once, and shown its question again."""
    clock = FakeClock()
    settings = rig.test_settings(database_url, fake_api.base_url)
    settings = settings.model_copy(update={"conversation": ConversationSettings()})  # the default
    harness = await start_harness_with(settings, fake_api, clock)
    try:
        await harness.say(ALICE, "/start")
        for _ in range(10):  # a burst: ten messages in the same second
            replies = await harness.say(ALICE, "/start")
            assert buttons_of(replies[-1]) == ["lang:id", "lang:en"]
        for _ in range(150):  # then one a second for two and a half minutes
            clock.advance(seconds=1)
            replies = await harness.say(ALICE, "/start")
            assert "terlalu banyak" not in replies[0]["text"]
        refused = []
        for _ in range(100):  # a flood: a hundred in one second
            refused.append(await harness.say(ALICE, "/start"))
        told = [replies for replies in refused if any("terlalu banyak" in r["text"] for r in replies)]
        assert len(told) == 1, "told once"
        assert buttons_of(told[0][-1]) == ["lang:id", "lang:en"], "the open question shown again"
        assert not refused[-1], "the rest of the flood costs no sends"
    finally:
        await stop_harness(harness)
