"""A villager who types: whole conversations in natural words, no button pressed (issue 18).

Played over the fake Bot API (Telegram) and in the console demo, in both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from db.models import Case
from tests import harness as rig
from tests.harness import BotHarness, buttons_of
from tests.test_console_demo import run_demo

VILLAGER, ENGLISH = 1801, 1802
SUNGAI_KAKAP = "61.12.09.2001"


async def count_cases(bot: BotHarness) -> int:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Case)) or 0)


async def test_onboarding_and_a_whole_report_typed_in_indonesian(bot: BotHarness) -> None:
    await bot.say(VILLAGER, "/start")
    replies = await bot.say(VILLAGER, "bahasa indonesa")  # the language's name, with a typo
    assert buttons_of(replies[-1]) == ["privacy:ok"], "the privacy notice follows"
    replies = await bot.say(VILLAGER, "saya mengerti")
    assert "privacy:ok" not in buttons_of(replies[-1])
    replies = await bot.say(VILLAGER, "lapor")
    assert buttons_of(replies[-1]) == ["rp:yes", "rp:no"]
    replies = await bot.say(VILLAGER, "apa ini")  # matches no button: a hint of what to type
    assert "Ketik salah satu" in replies[0]["text"] and "Setuju" in replies[0]["text"]
    assert buttons_of(replies[-1]) == ["rp:yes", "rp:no"]
    replies = await bot.say(VILLAGER, "iyaa setuju")
    assert "rp:k:missing" in buttons_of(replies[-1])
    replies = await bot.say(VILLAGER, "orang hilang")
    assert "Siapa nama" in replies[-1]["text"]
    await bot.say(VILLAGER, "Siti Aminah")
    await bot.say(VILLAGER, "19")
    replies = await bot.say(VILLAGER, "perempuan")
    assert "rp:c:female" not in buttons_of(replies[-1]), "the sex was taken, the village is asked"
    replies = await bot.say(VILLAGER, "sungai kakap")
    replies = await bot.press(VILLAGER, f"rp:v:{SUNGAI_KAKAP}")
    for _ in range(20):  # every optional field is skipped by typing
        if "rp:c:parent" in buttons_of(replies[-1]):
            break
        replies = await bot.say(VILLAGER, "lewati")
        assert "Ketik salah satu" not in replies[0]["text"]
    replies = await bot.say(VILLAGER, "kakak")
    replies = await bot.say(VILLAGER, "ya boleh")
    assert buttons_of(replies[-1])[0] == "rp:send", "the summary"
    assert "Siti Aminah" in replies[-1]["text"]
    replies = await bot.say(VILLAGER, "kirim")
    assert await count_cases(bot) == 1


async def test_a_name_that_contains_a_button_word_is_an_answer(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await bot.press(VILLAGER, "menu:report")
    await bot.press(VILLAGER, "rp:yes")
    await bot.press(VILLAGER, "rp:k:missing")
    await bot.say(VILLAGER, "Siti Aminah")
    replies = await bot.say(VILLAGER, "batal")  # the whole message is "cancel": it is the button
    assert buttons_of(replies[-1]) == ["rp:drop", "rp:keep"]
    replies = await bot.say(VILLAGER, "ya, batalkan")
    assert "dibatalkan" in replies[0]["text"].lower()
    await bot.press(VILLAGER, "menu:report")
    await bot.press(VILLAGER, "rp:yes")
    await bot.press(VILLAGER, "rp:k:warning")
    replies = await bot.say(VILLAGER, "Batal Sitorus")  # a name, not "Batal"
    assert "umur" in replies[-1]["text"].lower(), "the name was taken, the age is asked"


async def test_onboarding_typed_in_english(bot: BotHarness) -> None:
    await bot.say(ENGLISH, "/start")
    replies = await bot.say(ENGLISH, "english")
    assert buttons_of(replies[-1]) == ["privacy:ok"]
    replies = await bot.say(ENGLISH, "ok")
    assert "privacy:ok" not in buttons_of(replies[-1])
    replies = await bot.say(ENGLISH, "later")
    assert "menu:check" in buttons_of(replies[-1])
    replies = await bot.say(ENGLISH, "report")
    replies = await bot.say(ENGLISH, "yess")
    assert "rp:k:missing" in buttons_of(replies[-1])
    replies = await bot.say(ENGLISH, "hmm what")
    assert "Type one of these" in replies[0]["text"]


def test_console_demo_typed_number_is_an_age_not_a_button(tmp_path: Path) -> None:
    # Language 1, privacy 1, awareness offer 2 (later), menu 3 (report), consent 1, kind 1
    # (missing), a name, then "2" at "how old": the age, not the second button ("Batal").
    output = run_demo(tmp_path / "demo.db", ["1", "1", "2", "3", "1", "1", "Siti", "2"])
    after_age = output.split("\n> ")[-2]
    assert "dibatalkan" not in output.lower()
    assert "Perempuan" in after_age, "the age was taken and the next field asked"


async def test_cancelling_a_report_with_answers_asks_first(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await bot.say(VILLAGER, "lapor")
    await bot.say(VILLAGER, "setuju")
    await bot.say(VILLAGER, "hilang")
    await bot.say(VILLAGER, "Siti Aminah")
    replies = await bot.say(VILLAGER, "batal")
    assert buttons_of(replies[-1]) == ["rp:drop", "rp:keep"], "asked before anything is thrown away"
    replies = await bot.say(VILLAGER, "tidak")
    assert "rp:skip" in buttons_of(replies[-1]), "back at the age, nothing lost"
    replies = await bot.say(VILLAGER, "/batal")
    assert buttons_of(replies[-1]) == ["rp:drop", "rp:keep"]
    replies = await bot.say(VILLAGER, "ya")
    assert "dibatalkan" in replies[0]["text"].lower()


async def test_stop_word_inside_the_checklist_keeps_the_checklist(bot: BotHarness) -> None:
    """ "berhenti" stops the awareness messages at once, from anywhere; the checklist it was
    typed in goes on (it used to end it)."""
    await bot.onboard(VILLAGER)
    await bot.press(VILLAGER, "menu:check")
    await bot.press(VILLAGER, "ck:a:route:p3mi")
    replies = await bot.say(VILLAGER, "berhenti")
    assert "Pertanyaan 2 dari" in replies[-1]["text"], "the checklist's question again"


async def test_an_old_language_button_mid_checklist_keeps_the_checklist(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await bot.press(VILLAGER, "menu:check")
    await bot.press(VILLAGER, "ck:a:route:p3mi")
    replies = await bot.press(VILLAGER, "lang:en")
    assert "Question 2 of" in replies[-1]["text"], "the checklist goes on, in English"


async def test_empty_and_group_messages(bot: BotHarness) -> None:
    from tests.telegram_updates import text_update

    await bot.onboard(VILLAGER)
    await bot.say(VILLAGER, "/dataku")
    group = text_update(VILLAGER, "/dataku")
    group["message"]["chat"] = {"id": -100777, "type": "group", "title": "Desa"}
    assert await bot.post(group) == 200
    [answer] = bot.api.sent(-100777)
    assert "pribadi" in answer["text"] and "User" not in answer["text"]
    assert "dx:ask" not in buttons_of(answer), "no personal data, no buttons in the group"
    replies = await bot.say(VILLAGER, "   ")
    assert "kosong" in replies[0]["text"]


def test_a_whatsapp_reaction_is_not_a_message() -> None:
    from bot.channels.whatsapp_format import read_webhook
    from tests.whatsapp_harness import webhook

    reaction = {
        "from": "6281200000000",
        "id": "wamid.R1",
        "timestamp": "1700000000",
        "type": "reaction",
        "reaction": {"message_id": "wamid.OUT1", "emoji": "👍"},
    }
    incoming, _ = read_webhook(webhook(reaction))
    assert incoming == []


async def test_a_report_draft_survives_a_restart_and_is_offered_back(
    database_url: str, fake_api: Any
) -> None:

    first = await rig.start_harness(database_url, fake_api)
    try:
        await first.onboard(VILLAGER)
        await first.press(VILLAGER, "menu:report")
        await first.press(VILLAGER, "rp:yes")
        await first.press(VILLAGER, "rp:k:warning")
        await first.say(VILLAGER, "Siti Aminah")
    finally:
        await rig.stop_harness(first)
    second = await rig.start_harness(database_url, fake_api)
    try:
        replies = await second.say(VILLAGER, "/start")
        assert buttons_of(replies[-1]) == ["rp:resume", "rp:fresh"], "continue it, or start over?"
        replies = await second.say(VILLAGER, "lanjutkan")
        assert "rp:skip" in buttons_of(replies[-1]), "the age is asked: the name was kept"
        replies = await second.say(VILLAGER, "sekitar 24 tahun")
        assert "rp:c:female" in buttons_of(replies[-1])
    finally:
        await rig.stop_harness(second)


async def test_an_early_warning_may_leave_the_name_unknown(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await bot.say(VILLAGER, "lapor")
    await bot.say(VILLAGER, "ya")
    replies = await bot.say(VILLAGER, "ada calo")
    assert "rp:skip" in buttons_of(replies[-1]), "the name may be skipped in an early warning"
    replies = await bot.say(VILLAGER, "tidak tahu")
    assert "rp:skip" in buttons_of(replies[-1]) and "umur" in replies[-1]["text"].lower()


async def test_erasing_my_data_is_answered_in_words(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await bot.say(VILLAGER, "/hapus")
    replies = await bot.say(VILLAGER, "gak jadi")
    assert "dihapus" not in replies[0]["text"] and "menu:check" in buttons_of(replies[-1])
    await bot.say(VILLAGER, "/hapus")
    replies = await bot.say(VILLAGER, "ya")
    assert "sudah dihapus" in replies[0]["text"]


async def test_typed_words_in_english_at_the_report(bot: BotHarness) -> None:
    await bot.onboard(ENGLISH, "en")
    await bot.say(ENGLISH, "report")
    await bot.say(ENGLISH, "i agree")
    replies = await bot.say(ENGLISH, "early warning")
    assert "rp:skip" in buttons_of(replies[-1])
    await bot.say(ENGLISH, "Budi")
    await bot.say(ENGLISH, "about 30 years old")
    replies = await bot.say(ENGLISH, "male")
    assert "rp:c:male" not in buttons_of(replies[-1])


def test_console_demo_in_english_words_only(tmp_path: Path) -> None:
    typed = ["english", "i understand", "not now", "report", "yes", "missing person", "Budi", "about 30"]
    output = run_demo(tmp_path / "demo.db", typed)
    after_age = output.split("\n> ")[-2]
    assert "Type one of these" not in output, "every word was understood"
    assert "Female" in after_age, "the age was taken and the sex asked"
