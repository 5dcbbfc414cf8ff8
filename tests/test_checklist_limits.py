"""Every message of the checklist fits its platform: walked through the engine on every route in
both languages, each reply is checked against Telegram's limits and turned into the WhatsApp
payloads the adapter would send. Yes/no questions must stay three reply buttons of their own."""

from __future__ import annotations

from pydantic import SecretStr

from bot.app import build_services
from bot.channels import whatsapp_format
from bot.config import Settings
from bot.engine import ConversationEngine
from bot.router import Router
from db.session import create_engine, create_sessionmaker
from ground.messages import Incoming, IncomingKind, Reply
from handlers import route_table
from handlers.checklist import result as checklist_result
from handlers.checklist.scoring import assess
from tests.harness import FakeClock

TELEGRAM_TEXT, TELEGRAM_DATA = 4096, 64


def check_reply(reply: Reply) -> list[dict[str, object]]:
    assert len(reply.text) <= TELEGRAM_TEXT
    for button in reply.all_buttons:
        assert len(button.data.encode()) <= TELEGRAM_DATA, button.data
    messages, numbered = whatsapp_format.payloads("6281100000001", reply)
    assert numbered == [], "no checklist menu becomes numbered text on WhatsApp"
    for message in messages:
        if message["type"] == "text":
            assert len(message["text"]["body"]) <= whatsapp_format.TEXT_BODY  # type: ignore[index]
        else:
            interactive = message["interactive"]
            assert len(interactive["body"]["text"]) <= whatsapp_format.INTERACTIVE_BODY  # type: ignore[index]
            rows = interactive["action"].get("buttons") or interactive["action"]["sections"][0]["rows"]  # type: ignore[index]
            titles = [row["reply"]["title"] if "reply" in row else row["title"] for row in rows]
            assert all(not title.endswith("…") for title in titles), f"a label was cut: {titles}"
    return messages


async def send(engine: ConversationEngine, user: str, text: str = "", data: str = "") -> list[Reply]:
    kind: IncomingKind = "button" if data else "command"
    return await engine.handle(Incoming("console", user, user, kind, text=text, data=data))


async def test_every_question_and_result_fits_telegram_and_whatsapp(database_url: str) -> None:
    settings = Settings(database_url=SecretStr(database_url))
    services = build_services(settings)
    rules = services.checklist
    database = create_engine(database_url)
    engine = ConversationEngine(
        create_sessionmaker(database),
        Router(route_table(), 3000),
        services,
        FakeClock(),
        max_messages_per_minute=10**6,
    )
    seen_questions: set[str] = set()
    try:
        users = 0
        for language in ("id", "en"):
            for route in rules.questions[0].options:
                for destination in ("east_asia", "indonesia"):
                    users += 1
                    user = str(90_000 + users)

                    await send(engine, user, "/start")
                    await send(engine, user, data=f"lang:{language}")
                    await send(engine, user, data="privacy:ok")
                    replies = await send(engine, user, "/cek")
                    chosen = {"route": route, "work": "fishing", "destination": destination}
                    answers: dict[str, str] = {}
                    while (question := rules.next_question(answers)) is not None:
                        seen_questions.add(question.id)
                        *_, asking = replies
                        for reply in replies:
                            check_reply(reply)
                        [interactive] = [m for m in check_reply(asking) if m["type"] == "interactive"]
                        kind = interactive["interactive"]["type"]  # type: ignore[index]
                        # Ya / Tidak / Tidak tahu: reply buttons, never hidden behind a list's button.
                        assert kind == ("list" if question.is_choice else "button"), question.id
                        # "Tidak" to everything (the most reasons), but "Ya" where that opens more questions.
                        answer = chosen.get(
                            question.id, "yes" if question.id in ("adult", "company_named") else "no"
                        )
                        answers[question.id] = answer
                        code = answer if question.is_choice else answer[0]  # y / n
                        replies = await send(engine, user, data=f"ck:a:{question.id}:{code}")
                    [result] = replies
                    assert [m["interactive"]["type"] for m in check_reply(result)] == ["button"]  # type: ignore[index]
                    # The long view: every reason explained, split where needed, each part fitting.
                    for reply in await send(engine, user, data=result.all_buttons[0].data):
                        check_reply(reply)
        assert seen_questions == {q.id for q in rules.questions}, "every question was shown"
        # The most reasons any answers can give, explained in full, still fit.
        worst = assess(rules, {**answers, "route": "sponsor"})
        for language in ("id", "en"):
            for reply in checklist_result.all_reasons(services.content.texts(language), worst):
                check_reply(reply)
    finally:
        await database.dispose()
