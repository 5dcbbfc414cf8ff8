"""End to end over HTTP: Telegram webhook in, the whole stack, sendMessage out to the fake Bot API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text

from db import queries
from db.models import ChecklistResult, ProcessedUpdate, User
from tests.harness import BotHarness, buttons_of, start_harness, stop_harness
from tests.telegram_updates import callback_update, sticker_update, text_update

ALICE = 501
BOB = 502


def question_ids(bot: BotHarness) -> list[str]:
    assert bot.service.core is not None
    return [q.id for q in bot.service.core.services.checklist.questions]


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
    assert "Personal Data Protection" in privacy["text"]
    assert buttons_of(privacy) == ["privacy:ok"]

    [offer] = await bot.press(ALICE, "privacy:ok")
    assert "pesan kewaspadaan" not in offer["text"] and "awareness messages" in offer["text"]
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
    assert "Pertanyaan 1 dari 14" in replies[-1]["text"]
    for number, question_id in enumerate(question_ids(bot), start=1):
        replies = await bot.press(ALICE, f"ck:a:{question_id}:y")
        if number < 14:
            assert f"Pertanyaan {number + 1} dari 14" in replies[-1]["text"]
    verdict, steps, menu = replies
    assert "Risiko TINGGI" in verdict["text"]
    assert "paspor" in verdict["text"].lower()  # the reason from documents_held, in the user's language
    assert "110" in steps["text"]  # the official numbers are part of the answer
    assert buttons_of(menu)[0] == "menu:check"

    assert await scalar(bot, select(func.count()).select_from(ChecklistResult)) == 1
    result = await scalar(bot, select(ChecklistResult))
    assert result.risk == "high"
    assert "documents_held" in result.flags["raised"]
    assert "company_named" not in result.flags["raised"], "answering yes to 'company named' is safe"
    # Anonymous: the result row has no column that could point back to the user.
    assert not {"user_id", "chat_id", "external_id"} & set(ChecklistResult.__table__.columns.keys())


async def test_safe_offer_rates_low_in_english(bot: BotHarness) -> None:
    await bot.onboard(BOB, "en")
    await bot.press(BOB, "menu:check")
    safe_yes = {"company_named", "company_verified", "contract_before", "official_steps"}
    for question_id in question_ids(bot):
        replies = await bot.press(BOB, f"ck:a:{question_id}:{'y' if question_id in safe_yes else 'n'}")
    assert "LOW risk" in replies[0]["text"]
    assert "Why:" not in replies[0]["text"]
    assert await scalar(bot, select(ChecklistResult.risk)) == "low"


async def test_typed_answers_back_restart_and_cancel(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    await bot.say(ALICE, "/cek")
    await bot.say(ALICE, "ya")
    replies = await bot.say(ALICE, "tidak tahu")
    assert "Pertanyaan 3 dari 14" in replies[-1]["text"]
    replies = await bot.press(ALICE, "ck:back")
    assert "Pertanyaan 2 dari 14" in replies[-1]["text"]
    replies = await bot.say(ALICE, "hmm")
    assert "tombol Ya, Tidak, atau Tidak tahu" in replies[0]["text"]
    assert "Pertanyaan 2 dari 14" in replies[-1]["text"]
    replies = await bot.press(ALICE, "ck:restart")
    assert "Pertanyaan 1 dari 14" in replies[-1]["text"]
    replies = await bot.press(ALICE, "ck:cancel")
    assert "dibatalkan" in replies[0]["text"]
    assert "menu:check" in buttons_of(replies[-1])
    assert await scalar(bot, select(func.count()).select_from(ChecklistResult)) == 0


async def test_old_and_unknown_buttons_change_nothing(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    await bot.press(ALICE, "menu:check")
    first, second, third = question_ids(bot)[:3]
    await bot.press(ALICE, f"ck:a:{first}:y")
    await bot.press(ALICE, f"ck:a:{second}:n")
    replies = await bot.press(ALICE, f"ck:a:{first}:n")  # pressed again on the old message
    assert "pertanyaan sebelumnya" in replies[0]["text"]
    assert "Pertanyaan 3 dari 14" in replies[-1]["text"]
    replies = await bot.press(ALICE, "zz:made-up")
    assert "pesan lama" in replies[0]["text"]
    replies = await bot.press(ALICE, "ck:a:no_such_question:y")
    assert "Pertanyaan 3 dari 14" in replies[-1]["text"]
    replies = await bot.press(ALICE, f"ck:a:{third}:q")  # malformed answer code
    assert "Pertanyaan 3 dari 14" in replies[-1]["text"]
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        user = await queries.find_user(session, "telegram", str(ALICE))
        assert user is not None
        state = await queries.load_state(session, user.id)
    assert state.data["answers"] == {first: "yes", second: "no"}


async def test_stickers_and_long_text_get_a_polite_reply_and_keep_state(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    await bot.press(ALICE, "menu:check")
    await bot.press(ALICE, f"ck:a:{question_ids(bot)[0]}:y")
    before = len(bot.api.sent(ALICE))
    assert await bot.post(sticker_update(ALICE)) == 200
    replies = bot.api.sent(ALICE)[before:]
    assert "Stiker" in replies[0]["text"]
    assert "Pertanyaan 2 dari 14" in replies[-1]["text"]
    replies = await bot.say(ALICE, "x" * 5000)
    assert "terlalu panjang" in replies[0]["text"]
    assert "Pertanyaan 2 dari 14" in replies[-1]["text"]
    replies = await bot.say(ALICE, "/nonsense")
    assert "tidak dikenal" in replies[0]["text"]


async def test_numbers_and_help(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    [numbers] = await bot.press(ALICE, "menu:numbers")
    assert "0800-1000" in numbers["text"] and "110" in numbers["text"]
    replies = await bot.say(ALICE, "bantuan")
    assert "/cek" in replies[0]["text"]


async def test_unonboarded_user_is_led_to_language_choice(bot: BotHarness) -> None:
    replies = await bot.say(BOB, "halo")
    assert buttons_of(replies[-1]) == ["lang:id", "lang:en"]
    replies = await bot.press(BOB, "menu:check")  # a forged or stale menu button changes nothing
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
    assert len(replies) == 1
    assert len(bot.api.calls_to("sendmessage")) == 3


async def test_blocked_user_is_marked_and_not_retried(bot: BotHarness) -> None:
    bot.api.block(ALICE)
    assert await bot.post(text_update(ALICE, "/start")) == 200
    assert len(bot.api.calls_to("sendmessage")) == 1
    assert await scalar(bot, select(User.blocked).where(User.external_id == str(ALICE))) is True


async def test_restart_and_second_process_continue_the_checklist(database_url: str, fake_api: Any) -> None:
    first = await start_harness(database_url, fake_api)
    second = await start_harness(database_url, fake_api)  # another process on the same database
    try:
        await first.onboard(ALICE)
        await first.press(ALICE, "menu:check")
        ids = question_ids(first)
        await first.press(ALICE, f"ck:a:{ids[0]}:y")
        replies = await second.press(ALICE, f"ck:a:{ids[1]}:n")
        assert "Pertanyaan 3 dari 14" in replies[-1]["text"]
    finally:
        await stop_harness(first)
    await second.press(ALICE, f"ck:a:{ids[2]}:y")
    await stop_harness(second)

    restarted = await start_harness(database_url, fake_api)
    try:
        replies = await restarted.press(ALICE, f"ck:a:{ids[3]}:y")
        assert "Pertanyaan 5 dari 14" in replies[-1]["text"]
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
