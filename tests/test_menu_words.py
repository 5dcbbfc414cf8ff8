"""What is typed at the menu gets a fitting answer before the menu: a greeting is greeted back, a
missing person is pointed to the report; and deleting one's data never speaks of "0 reports"."""

from __future__ import annotations

import re

import pytest

from ground.i18n import Content, default_content_dir
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
