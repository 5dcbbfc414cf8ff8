"""End to end over HTTP: Telegram webhook in, the whole stack, sendMessage out to the fake Bot API."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select, text

from db import queries
from db.models import ChecklistResult, ProcessedUpdate, User
from ground.i18n import Content, default_content_dir
from tests.harness import BotHarness, buttons_of, start_harness, stop_harness
from tests.telegram_updates import callback_update, sticker_update, text_update

ALICE = 501
BOB = 502

CONTENT = Content.load(default_content_dir(), "id")
TEXTS = {language: CONTENT.texts(language) for language in CONTENT.languages}


def open_question(message: dict[str, Any]) -> str | None:
    """The checklist question a message asks, read from its answer buttons ("ck:a:<id>:<answer>")."""
    data = next((d for d in buttons_of(message) if d.startswith("ck:a:")), None)
    return data.split(":")[2] if data else None


async def answer_checklist(
    bot: BotHarness, user: int, answers: dict[str, str], default: str = "y"
) -> list[dict[str, Any]]:
    """Presses the answer buttons of each question asked until the result: the given answer code
    (y/n/u, or a choice's option id), else the default."""
    replies = await bot.press(user, "menu:check")
    while (question := open_question(replies[-1])) is not None:
        replies = await bot.press(user, f"ck:a:{question}:{answers.get(question, default)}")
    return replies


SCAM = {"route": "unknown", "work": "online_office", "destination": "scam_hubs", "passport_kept": "n"}


async def scalar(bot: BotHarness, statement: Any) -> Any:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        return (await session.execute(statement)).scalar_one()


async def test_start_language_privacy_menu(bot: BotHarness) -> None:
    [choose] = await bot.say(ALICE, "/start")  # the short welcome joins the language question
    assert choose["text"].startswith("Selamat datang di Sigap")
    assert buttons_of(choose) == ["lang:id", "lang:en"]
    assert bot.last_response == {}

    [privacy] = await bot.press(ALICE, "lang:en")
    # The button's spinner is stopped by a method in the webhook response: no extra request.
    assert bot.last_response["method"] == "answerCallbackQuery"
    assert not bot.api.calls_to("answercallbackquery")
    assert TEXTS["en"]("privacy.notice") in privacy["text"]
    assert buttons_of(privacy) == ["privacy:ok"]

    [offer] = await bot.press(ALICE, "privacy:ok")
    assert TEXTS["en"]("subscriptions.offer") in offer["text"]
    assert buttons_of(offer) == ["sb:start", "menu:main"], (
        "opting in to broadcasts is offered once, at the end"
    )
    replies = await bot.press(ALICE, "menu:main")
    menu = replies[-1]
    assert "What would you like to do?" in menu["text"]
    assert buttons_of(menu) == [
        "menu:check",
        "menu:ad",
        "menu:report",
        "menu:numbers",
        "menu:subscribe",
        "menu:help",
        "menu:language",
    ]
    # Consent must be provable: which notice version, and when.
    assert await scalar(bot, select(User.privacy_version).where(User.external_id == str(ALICE))) == "1"


async def test_full_checklist_high_risk_stores_only_anonymous_result(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    replies = await bot.press(ALICE, "menu:check")
    assert re.search(r"Pertanyaan 1 dari \d+", replies[-1]["text"])
    replies = await answer_checklist(bot, ALICE, SCAM)
    [result] = replies
    assert "Risiko TINGGI" in result["text"]
    assert "Kamboja" in result["text"], "the reason, in the user's language"
    assert "0800-1000" in result["text"] and "110" in result["text"], "what to do, with the numbers"
    assert len(result["text"]) <= 1024, "short first"
    assert [b.split(":")[0] for b in buttons_of(result)] == ["cr", "menu", "menu"]
    assert buttons_of(result)[1:] == ["menu:numbers", "menu:report"]

    assert await scalar(bot, select(func.count()).select_from(ChecklistResult)) == 1
    stored = await scalar(bot, select(ChecklistResult))
    assert stored.risk == "high"
    assert stored.flags["raised"][:2] == ["passport_taken", "scam_compound_job"]
    # Anonymous: the result row has no column that could point back to the user.
    assert not {"user_id", "chat_id", "external_id"} & set(ChecklistResult.__table__.columns.keys())

    # All reasons, from the button: every reason with its explanation, within Telegram's limit.
    replies = await bot.press(ALICE, buttons_of(result)[0])
    text = "\n".join(r["text"] for r in replies)
    assert "Semua alasan" in text and "Cari tahu dulu" in text and "tanpa nama" in text
    assert all(len(r["text"]) <= 4096 for r in replies)
    assert buttons_of(replies[-1]) == ["menu:numbers", "menu:report", "menu:main"]
    # "Laporkan" starts the report dialogue (its consent first); "Nomor penting" lists the numbers.
    [consent] = await bot.press(ALICE, "menu:report")
    assert buttons_of(consent) == ["rp:yes", "rp:no"]
    # A result button from before a change of questions is not trusted.
    [old] = await bot.press_forged(ALICE, "cr:000000:0")
    assert "versi lama" in old["text"]


async def test_legal_route_rates_low_in_english(bot: BotHarness) -> None:
    await bot.onboard(BOB, "en")
    replies = await answer_checklist(
        bot, BOB, {"route": "government", "work": "factory", "destination": "east_asia"}
    )
    assert "LOW risk" in replies[0]["text"]
    assert "registered in an official government programme" in replies[0]["text"]
    assert await scalar(bot, select(ChecklistResult.risk)) == "low"


async def test_typed_answers_back_restart_and_cancel(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    await bot.say(ALICE, "/cek")
    replies = await bot.say(ALICE, "ya")  # a yes/no word is no answer to "who arranges it?"
    assert "1 sampai 5" in replies[0]["text"]
    assert re.search(r"Pertanyaan 1 dari \d+", replies[-1]["text"])
    replies = await bot.say(ALICE, "2")  # the numbers shown beside the options are answers
    assert re.search(r"Pertanyaan 2 dari \d+", replies[-1]["text"])
    replies = await bot.say(ALICE, "pabrik")
    replies = await bot.say(ALICE, "korea")
    assert re.search(r"Pertanyaan 4 dari \d+", replies[-1]["text"])
    replies = await bot.say(ALICE, "1")  # no number is offered at a yes/no question: not "Ya"
    assert "Ketik ya, tidak, atau tidak tahu" in replies[0]["text"]
    assert re.search(r"Pertanyaan 4 dari \d+", replies[-1]["text"])
    replies = await bot.say(ALICE, "iyaa sudah")
    assert re.search(r"Pertanyaan 5 dari \d+", replies[-1]["text"])
    replies = await bot.say(ALICE, "kembali")
    assert re.search(r"Pertanyaan 4 dari \d+", replies[-1]["text"])
    replies = await bot.say(ALICE, "hmm")
    assert "Ketik ya, tidak, atau tidak tahu" in replies[0]["text"]
    replies = await bot.say(ALICE, "ulang dari awal")
    assert re.search(r"Pertanyaan 1 dari \d+", replies[-1]["text"])
    replies = await bot.say(ALICE, "batal")  # no message offers a cancel button: it is typed
    assert "dibatalkan" in replies[0]["text"].lower()
    assert "menu:check" in buttons_of(replies[-1])
    assert await scalar(bot, select(func.count()).select_from(ChecklistResult)) == 0


async def test_old_and_unknown_buttons_change_nothing(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    await bot.press(ALICE, "menu:check")
    await bot.press(ALICE, "ck:a:route:p3mi")
    await bot.press(ALICE, "ck:a:work:factory")
    replies = await bot.press(ALICE, "ck:a:route:sponsor")  # pressed again on the old message
    assert "pertanyaan sebelumnya" in replies[0]["text"]
    assert open_question(replies[-1]) == "destination"
    replies = await bot.press_forged(ALICE, "zz:made-up")
    assert "pesan lama" in replies[0]["text"]
    replies = await bot.press_forged(ALICE, "ck:a:no_such_question:y")
    assert open_question(replies[-1]) == "destination"
    replies = await bot.press_forged(ALICE, "ck:a:destination:mars")  # malformed answer
    assert open_question(replies[-1]) == "destination"
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        user = await queries.find_user(session, "telegram", str(ALICE))
        assert user is not None
        state = await queries.load_state(session, user.id)
    assert state.data["answers"] == {"route": "p3mi", "work": "factory"}


async def test_stickers_and_long_text_get_a_polite_reply_and_keep_state(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    await bot.press(ALICE, "menu:check")
    await bot.press(ALICE, "ck:a:route:p3mi")
    before = len(bot.api.sent(ALICE))
    assert await bot.post(sticker_update(ALICE)) == 200
    replies = bot.api.sent(ALICE)[before:]
    assert "Stiker" in replies[0]["text"]
    assert open_question(replies[-1]) == "work"
    replies = await bot.say(ALICE, "x" * 5000)
    assert "terlalu panjang" in replies[0]["text"]
    assert open_question(replies[-1]) == "work"
    replies = await bot.say(ALICE, "/nonsense")
    assert TEXTS["id"]("errors.unknown_command") in replies[0]["text"]


async def test_numbers_and_help(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    [numbers] = await bot.press(ALICE, "menu:numbers")
    assert "0800-1000" in numbers["text"] and "110" in numbers["text"]
    replies = await bot.say(ALICE, "bantuan")
    assert TEXTS["id"]("help.text") in replies[0]["text"]


async def test_unonboarded_user_is_led_to_language_choice(bot: BotHarness) -> None:
    replies = await bot.say(BOB, "halo")
    assert buttons_of(replies[-1]) == ["lang:id", "lang:en"]
    replies = await bot.press_forged(BOB, "menu:check")  # a forged or stale menu button changes nothing
    assert buttons_of(replies[-1]) == ["lang:id", "lang:en"]


async def test_redelivered_update_is_handled_once(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    update = callback_update(ALICE, "menu:check")
    assert await bot.post(update) == 200
    count = len(bot.api.sent(ALICE))
    assert await bot.post(update) == 200  # Telegram re-sends when it did not see our 200 in time
    assert len(bot.api.sent(ALICE)) == count
    assert (
        await scalar(
            bot,
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_key == queries.update_fingerprint(str(update["update_id"]))),
        )
        == 1
    )


async def test_webhook_refuses_bad_requests(bot: BotHarness) -> None:
    update = text_update(ALICE, "/start")
    assert await bot.post(update, secret=None) == 401
    assert await bot.post(update, secret="wrong-secret") == 401
    assert await bot.post(None, raw=b"{not json") == 400
    assert await bot.post([1, 2, 3]) == 400
    assert await bot.post({"update_id": "nope"}) == 400
    assert await bot.post({"update_id": 5, "message": {"garbage": True}}) == 400
    assert await bot.post(None, raw=b"{" + b" " * 2_000_000 + b"}") == 413
    assert bot.api.sent() == [], "nothing reached a user"
    assert await scalar(bot, select(func.count()).select_from(User)) == 0


async def test_429_retry_after_is_honoured(bot: BotHarness) -> None:
    bot.api.fail_next("sendMessage", 429, retry_after=1)
    replies = await bot.say(ALICE, "/start")
    assert len(replies) == 1 and buttons_of(replies[0]) == ["lang:id", "lang:en"]
    assert len(bot.api.calls_to("sendmessage")) == 2  # one refused, then resent


async def test_5xx_is_retried_with_backoff(bot: BotHarness) -> None:
    bot.api.fail_next("sendMessage", 502, times=2)
    replies = await bot.say(ALICE, "/start")
    assert len(replies) == 1 and buttons_of(replies[0]) == ["lang:id", "lang:en"]
    calls = bot.api.calls_to("sendmessage")
    assert len(calls) == 3, "two refused, then the same message resent"
    assert {(str(c.params["chat_id"]), c.params["text"]) for c in calls} == {(str(ALICE), replies[0]["text"])}


async def test_blocked_user_is_marked_and_not_retried(bot: BotHarness) -> None:
    bot.api.block(ALICE)
    assert await bot.post(text_update(ALICE, "/start")) == 200
    [call] = bot.api.calls_to("sendmessage")
    assert str(call.params["chat_id"]) == str(ALICE) and bot.api.sent() == []
    assert await scalar(bot, select(User.blocked).where(User.external_id == str(ALICE))) is True


async def test_restart_and_second_process_continue_the_checklist(database_url: str, fake_api: Any) -> None:
    first = await start_harness(database_url, fake_api)
    second = await start_harness(database_url, fake_api)  # another process on the same database
    try:
        await first.onboard(ALICE)
        await first.press(ALICE, "menu:check")
        await first.press(ALICE, "ck:a:route:p3mi")
        replies = await second.press(ALICE, "ck:a:work:factory")
        assert open_question(replies[-1]) == "destination"
    finally:
        await stop_harness(first)
    replies = await second.press(ALICE, "ck:a:destination:malaysia")
    assert open_question(replies[-1]) == "adult"
    await stop_harness(second)

    restarted = await start_harness(database_url, fake_api)
    try:
        replies = await restarted.press(ALICE, "ck:a:adult:y")
        assert "Pertanyaan 5 dari" in replies[-1]["text"] and open_question(replies[-1]) == "company_named"
    finally:
        await stop_harness(restarted)


async def test_polling_mode_answers(database_url: str, fake_api: Any) -> None:
    from bot.app import SigapService
    from tests.harness import test_settings

    service = SigapService(test_settings(database_url, fake_api.base_url, mode="polling"))
    await service.start()
    try:
        fake_api.push_update(text_update(ALICE, "/start"))
        await fake_api.wait_for_sent(1, chat_id=ALICE)
        assert buttons_of(fake_api.sent(ALICE)[-1]) == ["lang:id", "lang:en"]
        assert fake_api.calls_to("deletewebhook"), "a left-over webhook would block getUpdates"
        fake_api.push_update(callback_update(ALICE, "lang:id"))
        await fake_api.wait_for_sent(2, chat_id=ALICE)
        notice = fake_api.sent(ALICE)[1]
        assert service.core is not None
        first_line = service.core.services.content.texts("id")("privacy.notice").splitlines()[0]
        assert buttons_of(notice) == ["privacy:ok"] and first_line in notice["text"]
        assert fake_api.calls_to("answercallbackquery"), "polling answers button presses by request"
    finally:
        await service.stop()


async def test_database_is_really_used(bot: BotHarness) -> None:
    """Guards the fixtures themselves: the bot writes to the database this test was given."""
    await bot.say(ALICE, "/start")
    assert await scalar(bot, text("SELECT count(*) FROM users")) == 1


async def test_flood_control_answers_once_then_waits_a_minute(database_url: str, fake_api: Any) -> None:
    from bot.config import ConversationSettings
    from tests.harness import FakeClock, start_harness_with, test_settings

    clock = FakeClock()
    settings = test_settings(database_url, fake_api.base_url)
    settings = settings.model_copy(update={"conversation": ConversationSettings(max_messages_per_minute=3)})
    harness = await start_harness_with(settings, fake_api, clock)
    try:
        for _ in range(3):
            assert await harness.say(ALICE, "/start")
        [slow_down] = await harness.say(ALICE, "/start")
        assert "terlalu banyak" in slow_down["text"]
        assert await harness.say(ALICE, "/start") == [], "told once; the rest of the minute is quiet"
        clock.advance(seconds=61)
        replies = await harness.say(ALICE, "/start")
        assert buttons_of(replies[-1]) == ["lang:id", "lang:en"]
        assert await harness.say(BOB, "/start"), "other users are not affected"
    finally:
        await stop_harness(harness)
