"""The unit of work: a failing handler rolls back and says sorry; a database outage asks for re-delivery."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from bot.app import build_services
from bot.config import Settings
from bot.engine import ConversationEngine, TemporaryFailure
from bot.router import Router
from db import queries
from db.session import create_engine, create_sessionmaker
from ground.messages import Incoming
from handlers import route_table
from handlers.context import Turn
from tests.harness import FakeClock


def incoming(kind: str, text: str = "", data: str = "", key: str | None = None) -> Incoming:
    return Incoming("telegram", "42", "42", kind, text=text, data=data, update_key=key)  # type: ignore[arg-type]


async def test_failing_step_rolls_back_and_says_sorry(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=SecretStr(database_url))
    services = build_services(settings)
    table = route_table()

    async def broken(turn: Turn) -> None:
        turn.go("checklist", "question", {"current": "offer_channel", "answers": {"x": "yes"}})
        raise RuntimeError("bug in a handler")

    database = create_engine(database_url)
    sessions = create_sessionmaker(database)
    try:
        engine = ConversationEngine(sessions, Router(table, 3000), services, FakeClock())
        for step in ("/start", "lang:en", "privacy:ok"):
            await engine.handle(
                incoming("button", data=step) if ":" in step else incoming("command", text=step)
            )
        broken_table = table.__class__(**{**table.__dict__, "commands": {**table.commands, "boom": broken}})
        engine = ConversationEngine(sessions, Router(broken_table, 3000), services, FakeClock())
        with caplog.at_level(logging.ERROR):
            replies = await engine.handle(incoming("command", text="/boom", key="u-1"))
        assert [r.text for r in replies] == [services.content.texts("en")("errors.internal")]
        assert "bug in a handler" in caplog.text
        async with sessions() as session:
            user = await queries.find_user(session, "telegram", "42")
            assert user is not None
            state = await queries.load_state(session, user.id)
            # The update was not marked as processed either, so a re-delivery is handled again.
            assert await queries.claim_update(session, "telegram", "u-1", FakeClock()())
        assert (state.dialog, state.step) == ("start", "idle")
    finally:
        await database.dispose()


async def test_unreachable_database_asks_for_redelivery(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = "postgresql+asyncpg://postgres@127.0.0.1:1/nothing"  # nothing listens on port 1
    services = build_services(Settings(database_url=SecretStr(url)))
    database = create_engine(url)
    try:
        engine = ConversationEngine(create_sessionmaker(database), Router(route_table(), 3000), services)
        with pytest.raises(TemporaryFailure, match=r"^$") as raised:  # raised bare: the cause says why
            await engine.handle(incoming("command", text="/start"))
        assert isinstance(raised.value.__cause__, OSError | ConnectionError), raised.value.__cause__
    finally:
        await database.dispose()
