"""What people type instead of an answer they don't have ("lewati", "-", "ga tau namanya") is a
skip where a field may be skipped, is asked again where it may not, and is never stored."""

from __future__ import annotations

import pytest

from ground.i18n import Content, default_content_dir
from handlers.typed_answers import SkipWords
from tests.harness import BotHarness, buttons_of

CONTENT = Content.load(default_content_dir(), "id")
SKIP = SkipWords.of(CONTENT, "report.skip")
VILLAGER = 901
SUNGAI_KAKAP = "61.12.09.2001"


@pytest.mark.parametrize(
    "typed",
    [
        "lewati",
        "Lewati ⏭",
        "skip",
        "-",
        "--",
        "?",
        "...",
        "tidak ada",
        "Tidak ada.",
        "ga ada",
        "gak tau",
        "ga tau namanya",
        "tidak tahu nomornya",
        "Ga tau kak",
        "gatau sih",
        "belum tahu",
        "tidak",
        "lupa namanya",
        "don't know",
        "I don't know the name",
        "none",
        "n/a",
        "Skip ⏭",
        "nggak tau pasti",
    ],
)
def test_skip_words_are_a_skip(typed: str) -> None:
    assert SKIP.means_skip(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "Siti Aminah",
        "Malaysia",
        "ga tau, mungkin Malaysia",
        "tidak ada gaji",
        "PT Maju Jaya",
        "0812-3456-7890",
        "25-12-2025",
        "Kerja di kapal, gaji 15 juta",
        "namanya Budi",
        "Dia",
        "tidak tahu kotanya, tapi Kamboja",
        "Lewat Batam",
    ],
)
def test_an_answer_that_says_something_is_kept(typed: str) -> None:
    assert not SKIP.means_skip(typed)


async def test_skip_words_typed_in_a_report_are_never_stored(bot: BotHarness) -> None:
    texts = CONTENT.texts("id")
    await bot.onboard(VILLAGER)
    await bot.press(VILLAGER, "menu:report")
    await bot.press(VILLAGER, "rp:yes")
    await bot.press(VILLAGER, "rp:k:missing")
    replies = await bot.say(VILLAGER, "ga tau namanya")  # a missing person needs a name: asked again
    assert texts("report.required") in replies[-1]["text"]
    assert texts("report.prompt.person_name") in replies[-1]["text"]
    await bot.say(VILLAGER, "Siti Aminah")
    typed = {
        "age": "ga tau",
        "sex": "tidak tahu",
    }
    for answer in typed.values():
        await bot.say(VILLAGER, answer)
    replies = await bot.say(VILLAGER, "-")  # the village must be given: not searched for "-"
    assert texts("report.required") in replies[-1]["text"]
    replies = await bot.say(VILLAGER, "sungai kakab")
    assert f"rp:v:{SUNGAI_KAKAP}" in buttons_of(replies[-1])
    await bot.press(VILLAGER, f"rp:v:{SUNGAI_KAKAP}")
    later = {
        "destination": "lewati",
        "departure_date": "-",
        "last_contact": "tidak tahu",  # asked about a missing person only
        "promised": "ga tau",
        "recruiter_name": "ga tau namanya",
        "recruiter_phone": "tidak ada",
        "social_media": "skip",
        "photo": "gak ada",
    }
    for answer in later.values():
        await bot.say(VILLAGER, answer)
    await bot.press(VILLAGER, "rp:c:parent")
    replies = await bot.press(VILLAGER, "rp:c:yes")
    summary = replies[-1]
    assert buttons_of(summary)[0] == "rp:send", summary["text"]
    values = {line.partition(": ")[2] for line in summary["text"].splitlines()}
    assert values & {*typed.values(), *later.values()} == set(), summary["text"]
    for field in [*typed, *later]:
        label = texts(f"report.label.{field}")
        assert f"{label}: {texts('report.empty')}" in summary["text"] or f"{label}:" not in summary["text"]
