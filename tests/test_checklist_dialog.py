"""The checklist dialogue over the fake Bot API: what people type in their own words, a state saved
by an older version, and the result's buttons used later from elsewhere."""

from __future__ import annotations

from db import queries
from db.records import ConversationState
from tests.harness import BotHarness, buttons_of

ALICE = 601


def question_of(message: dict[str, object]) -> str | None:
    data = next((d for d in buttons_of(message) if d.startswith("ck:a:")), None)  # type: ignore[arg-type]
    return data.split(":")[2] if data else None


async def test_words_people_type_at_each_kind_of_question(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    await bot.say(ALICE, "/cek")
    for typed, next_question in (
        ("lewat calo", "work"),  # a sponsor, in the user's word
        ("kerja di kebun sawit", "destination"),
        ("ke Kamboja katanya", "adult"),
    ):
        replies = await bot.say(ALICE, typed)
        assert question_of(replies[-1]) == next_question, typed
    replies = await bot.say(ALICE, "4")  # not an age anyone is offered work at: a slip, so a hint
    assert "Ketik ya, tidak, atau tidak tahu" in replies[0]["text"]
    replies = await bot.say(ALICE, "sekitar 24 tahun")  # an age typed at the age question
    assert question_of(replies[-1]) == "true_age"
    replies = await bot.say(ALICE, "ya tidak")  # both: asked again rather than guessed
    assert "Ketik ya, tidak, atau tidak tahu" in replies[0]["text"] and question_of(replies[-1]) == "true_age"
    replies = await bot.say(ALICE, "asli")  # the question's own word
    assert question_of(replies[-1]) == "company_named"
    replies = await bot.say(ALICE, "ga tau?")
    assert question_of(replies[-1]) == "contract", "company unknown: whether Disnaker checked it is not asked"
    bot_state = await state_of(bot)
    assert bot_state.data["answers"] == {
        "route": "sponsor",
        "work": "factory",
        "destination": "scam_hubs",
        "adult": "yes",
        "true_age": "yes",
        "company_named": "unknown",
    }


async def test_a_checklist_saved_by_an_older_version_starts_again_politely(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session, session.begin():
        user = await queries.find_user(session, "telegram", str(ALICE))
        assert user is not None
        old = {"current": "visa_tourist", "answers": {"offer_channel": "yes", "visa_tourist": "unknown"}}
        await queries.save_state(session, user.id, ConversationState("checklist", "question", old))
    replies = await bot.say(ALICE, "ya")
    assert "sudah diperbarui" in replies[0]["text"]
    assert question_of(replies[-1]) == "route"
    assert (await state_of(bot)).data == {"answers": {}}


async def test_the_all_reasons_button_works_later_from_another_dialogue(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    replies = await bot.press(ALICE, "menu:check")
    choices = {"route": "sponsor", "work": "domestic", "destination": "middle_east"}
    while (question := question_of(replies[-1])) is not None:
        replies = await bot.press(ALICE, f"ck:a:{question}:{choices.get(question, 'y')}")
    all_reasons = buttons_of(replies[-1])[0]
    assert "Tanyakan ke Disnaker" in replies[-1]["text"], "domestic work in the Middle East: ask Disnaker"
    await bot.press(ALICE, "menu:report")  # now in the report dialogue
    replies = await bot.press(ALICE, all_reasons)
    assert "Semua alasan" in replies[0]["text"] and "moratorium" not in replies[0]["text"].lower()
    assert "2015" in replies[0]["text"], "the explanation says since when"
    assert (await state_of(bot)).dialog == "report", "looking at the reasons leaves the report where it was"


async def state_of(bot: BotHarness) -> ConversationState:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        user = await queries.find_user(session, "telegram", str(ALICE))
        assert user is not None
        return await queries.load_state(session, user.id)
