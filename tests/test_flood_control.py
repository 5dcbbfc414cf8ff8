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
        [slow_down] = await harness.say(ALICE, "/start")
        assert "terlalu banyak" in slow_down["text"]
        # And a step forward starts a new window too.
        clock.advance(hours=2)
        replies = await harness.say(ALICE, "/start")
        assert buttons_of(replies[-1]) == ["lang:id", "lang:en"]
    finally:
        await stop_harness(harness)
