"""What is typed at the menu gets a fitting answer before the menu: a greeting is greeted back, a
missing person is pointed to the report; and deleting one's data never speaks of "0 reports"."""

from __future__ import annotations

import re

import pytest

from ground.i18n import Content, default_content_dir
from handlers.typed_answers import greeting
from tests.harness import BotHarness, buttons_of

CONTENT = Content.load(default_content_dir(), "id")
VILLAGER = 911


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("halo", "menu.greeting"),
        ("P", "menu.greeting"),
        ("Selamat pagi kak", "menu.greeting"),
        ("Assalamualaikum", "menu.salam"),
        ("anak saya hilang", "menu.sounds_missing"),
        ("suami saya tidak ada kabar sudah 3 bulan", "menu.sounds_missing"),
        ("xyzzy", "menu.not_understood"),
    ],
)
async def test_words_typed_at_the_menu(bot: BotHarness, typed: str, key: str) -> None:
    texts = CONTENT.texts("id")
    await bot.onboard(VILLAGER)
    await bot.press(VILLAGER, "menu:main")
    replies = await bot.say(VILLAGER, typed)
    assert replies[0]["text"].startswith(texts(key)), replies[0]["text"]
    assert "menu:report" in buttons_of(replies[-1]), "the menu follows"


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("halo", "greeting"),
        ("P", "greeting"),
        ("selamat malam kak", "greeting"),
        ("Assalamualaikum", "salam"),
        ("kapal malam", None),  # a greeting word inside an answer is not a greeting
        ("halo, anak saya hilang", None),
    ],
)
def test_a_greeting_is_a_whole_message_of_greeting_words(typed: str, kind: str | None) -> None:
    assert greeting(Content.load(default_content_dir(), "id"), typed) == kind


async def test_a_greeting_while_a_question_waits_is_greeted_back_and_the_question_asked_again(
    bot: BotHarness,
) -> None:
    texts = CONTENT.texts("id")
    await bot.say(VILLAGER, "/start")
    replies = await bot.say(VILLAGER, "halo")  # the language question is open
    assert replies[0]["text"].startswith(texts("menu.greeting")), "never 'Maaf, saya belum mengerti'"
    assert buttons_of(replies[-1]) == ["lang:id", "lang:en"]
    await bot.press(VILLAGER, "lang:id")
    await bot.press(VILLAGER, "privacy:ok")
    await bot.press(VILLAGER, "menu:main")
    question = (await bot.press(VILLAGER, "menu:check"))[-1]
    replies = await bot.say(VILLAGER, "Assalamualaikum")
    assert replies[0]["text"].startswith(texts("menu.salam"))
    assert buttons_of(replies[-1]) == buttons_of(question), "the same question again"
    replies = await bot.say(VILLAGER, "xyzzy")
    assert replies[0]["text"].startswith(texts("checklist.unclear")[:10]), "other words get the hint"


async def test_erasing_without_reports_speaks_of_none(bot: BotHarness) -> None:
    texts = CONTENT.texts("id")
    await bot.onboard(VILLAGER)
    await bot.say(VILLAGER, "/dataku")  # offers the erasure
    [question] = await bot.press(VILLAGER, "dx:ask")
    assert question["text"] == texts("mydata.erase_explained_no_reports")
    replies = await bot.press(VILLAGER, "dx:yes")
    assert replies[0]["text"].startswith(texts("mydata.erased_no_reports"))
    assert "0" not in replies[0]["text"]


def test_indonesian_money_is_written_as_eyd() -> None:
    """EYD: "Rp10 juta", no space after Rp."""
    texts = CONTENT.texts("id")
    spaced = {
        key: texts(key) for key in texts.keys() if texts.has(key) and re.search(r"\bRp\.? \d", texts(key))
    }
    assert spaced == {}
