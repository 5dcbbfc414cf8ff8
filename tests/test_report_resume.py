"""Coming back to a report not sent yet (issue 18): after a pause, a /start or the menu, the person
is asked whether to continue it or start over, by button or typed words, on Telegram and WhatsApp;
the report survives a restart, and nothing typed is lost while the question waits."""

from __future__ import annotations

from typing import Any

from tests import harness as rig
from tests.harness import BotHarness, FakeClock, buttons_of, start_harness_with, stop_harness
from tests.whatsapp_harness import WhatsAppHarness

VILLAGER, OTHER = 1901, 1902
WA_VILLAGER = "6281100001901"
OFFER = ["rp:resume", "rp:fresh"]


async def _name_given(bot: Any, user: Any) -> None:
    """Onboarded, a missing person's report begun and its first answer (the name) given."""
    await bot.onboard(user)
    await bot.press(user, "menu:report")
    await bot.press(user, "rp:yes")
    await bot.press(user, "rp:k:missing")
    replies = await bot.say(user, "Siti Aminah")
    assert "umur" in replies[-1]["text"].lower(), "the age is asked next"


async def test_start_after_a_restart_offers_the_report_and_continue_keeps_it(
    database_url: str, fake_api: Any
) -> None:
    clock = FakeClock()
    settings = rig.test_settings(database_url, fake_api.base_url)
    bot = await start_harness_with(settings, fake_api, clock)
    await _name_given(bot, VILLAGER)
    await stop_harness(bot)  # the bot restarts
    bot = await start_harness_with(settings, fake_api, clock)
    try:
        replies = await bot.say(VILLAGER, "/start")
        assert buttons_of(replies[-1]) == OFFER
        assert "1 jawaban" in replies[-1]["text"]
        replies = await bot.say(VILLAGER, "lanjutkan")  # typed, not pressed
        assert "umur" in replies[-1]["text"].lower(), "the open question again"
        await bot.say(VILLAGER, "19")
        replies = await bot.press(VILLAGER, "rp:c:female")
        assert "desa" in replies[-1]["text"].lower(), "the name and age were kept: the village is next"
    finally:
        await stop_harness(bot)


async def test_a_menu_button_offers_the_report_and_start_over_does_what_was_pressed(bot: BotHarness) -> None:
    await _name_given(bot, VILLAGER)
    replies = await bot.press(VILLAGER, "menu:check")
    assert buttons_of(replies[-1]) == OFFER, "not silently dropped"
    replies = await bot.say(VILLAGER, "pisang")  # neither answer: what can be typed
    assert "Ketik salah satu" in replies[0]["text"] and buttons_of(replies[-1]) == OFFER
    replies = await bot.say(VILLAGER, "menu")  # leaving again is asked again, not done
    assert buttons_of(replies[-1]) == OFFER
    replies = await bot.press(VILLAGER, "rp:fresh")
    assert "dihapus" in replies[0]["text"]
    assert any(data.startswith("ck:a:route:") for data in buttons_of(replies[-1])), "the checklist begins"
    replies = await bot.say(VILLAGER, "/start")  # the checklist resumes as before: no report to offer
    assert OFFER != buttons_of(replies[-1])


async def test_an_answer_typed_after_a_pause_is_kept_for_the_report(bot: BotHarness) -> None:
    await _name_given(bot, VILLAGER)
    bot.clock.advance(hours=5)
    replies = await bot.say(VILLAGER, "19")
    assert buttons_of(replies[-1]) == OFFER, "asked before the 19 is taken as the age"
    replies = await bot.press(VILLAGER, "rp:resume")
    assert "rp:c:female" in buttons_of(replies[-1]), "the 19 answered the age: the sex is asked"
    # A button of the report pressed after a pause plainly answers it: no question.
    bot.clock.advance(hours=5)
    replies = await bot.press(VILLAGER, "rp:c:female")
    assert "desa" in replies[-1]["text"].lower()


async def test_a_greeting_after_a_pause_is_not_taken_as_an_answer(bot: BotHarness) -> None:
    await _name_given(bot, VILLAGER)
    bot.clock.advance(days=1)
    replies = await bot.say(VILLAGER, "halo")
    assert buttons_of(replies[-1]) == OFFER
    replies = await bot.say(VILLAGER, "lanjut")
    assert "umur" in replies[-1]["text"].lower() and "rp:skip" in buttons_of(replies[-1])
    assert "Sapaan" not in replies[-1]["text"]


async def test_start_over_after_a_pause_begins_a_new_report(bot: BotHarness) -> None:
    await _name_given(bot, VILLAGER)
    bot.clock.advance(hours=2)
    await bot.say(VILLAGER, "Budi")
    replies = await bot.say(VILLAGER, "mulai dari awal")
    assert "dihapus" in replies[0]["text"]
    assert buttons_of(replies[-1]) == ["rp:yes", "rp:no"], "a new report, from its consent"
    await bot.press(VILLAGER, "rp:yes")
    await bot.press(VILLAGER, "rp:k:missing")
    replies = await bot.say(VILLAGER, "/start")
    assert buttons_of(replies[-1]) != OFFER, "a report with no answer yet has nothing to lose"


async def test_whatsapp_menu_word_then_continue_then_start_over(wa: WhatsAppHarness) -> None:
    await _name_given(wa, WA_VILLAGER)
    replies = await wa.say(WA_VILLAGER, "menu")
    assert buttons_of(replies[-1]) == OFFER
    replies = await wa.press(WA_VILLAGER, "rp:resume")
    assert "umur" in replies[-1]["text"].lower()
    replies = await wa.say(WA_VILLAGER, "menu")
    assert buttons_of(replies[-1]) == OFFER
    replies = await wa.say(WA_VILLAGER, "mulai baru")
    assert "dihapus" in replies[0]["text"]
    assert "menu:report" in buttons_of(replies[-1]), "the menu, as the word asked"


async def test_english_words(bot: BotHarness) -> None:
    await bot.onboard(OTHER, "en")
    await bot.press(OTHER, "menu:report")
    await bot.press(OTHER, "rp:yes")
    await bot.press(OTHER, "rp:k:missing")
    await bot.say(OTHER, "Siti Aminah")
    replies = await bot.say(OTHER, "/start")
    assert buttons_of(replies[-1]) == OFFER and "Continue" in replies[-1]["text"] + str(replies[-1])
    replies = await bot.say(OTHER, "start over")
    assert "deleted" in replies[0]["text"]
    assert "menu:report" in buttons_of(replies[-1])
