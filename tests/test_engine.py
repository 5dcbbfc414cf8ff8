"""The unit of work: a failing handler rolls back and says sorry; a database outage asks for re-delivery."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import event, select

from bot import engine as engine_module
from bot.app import build_services, open_core
from bot.config import DatabaseSettings, Settings
from bot.engine import ConversationEngine, TemporaryFailure
from bot.router import Router
from db import queries
from db.models import User
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


async def test_no_more_turns_hold_a_connection_at_once_than_the_pool_keeps(database_url: str) -> None:
    """PostgreSQL (issue 21): for users beyond the connections it keeps, the pool opened one more
    and closed it again on return, a new connection every dozen updates under load; they wait
    for a kept one instead."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps one connection: one turn at a time whatever the gate")
    settings = Settings(database_url=SecretStr(database_url), database=DatabaseSettings(pool_size=2))
    core = await open_core(settings, FakeClock())
    held = most = 0

    def checked_out(*_: object) -> None:
        nonlocal held, most
        held += 1
        most = max(most, held)

    def checked_in(*_: object) -> None:
        nonlocal held
        held -= 1

    event.listen(core.database.sync_engine, "checkout", checked_out)
    event.listen(core.database.sync_engine, "checkin", checked_in)
    try:
        users = [str(n) for n in range(100, 110)]
        answered = await asyncio.gather(
            *(core.engine.handle(Incoming("telegram", u, u, "command", text="/start")) for u in users)
        )
        assert all(answered)
        assert most == 2
    finally:
        await core.close()


async def test_a_turn_that_waits_longer_than_the_pool_would_asks_for_redelivery(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=SecretStr(database_url))
    services = build_services(settings)
    table = route_table()
    release = asyncio.Event()

    async def slow(turn: Turn) -> None:
        if turn.incoming.user_id == "7":
            await release.wait()

    slow_table = table.__class__(**{**table.__dict__, "commands": {**table.commands, "start": slow}})
    database = create_engine(database_url)
    monkeypatch.setattr(engine_module, "POOL_TIMEOUT_SECONDS", 0.2)
    try:
        engine = ConversationEngine(
            create_sessionmaker(database), Router(slow_table, 3000), services, FakeClock(), concurrent_turns=1
        )
        first = asyncio.create_task(engine.handle(Incoming("telegram", "7", "7", "command", text="/start")))
        await asyncio.sleep(0.05)  # the first turn holds the only place
        with pytest.raises(TemporaryFailure):
            await engine.handle(Incoming("telegram", "8", "8", "command", text="/start"))
        release.set()
        await first
    finally:
        release.set()
        await database.dispose()


async def test_a_re_delivered_update_is_recognised_and_leaves_the_user_untouched(sessions: Any) -> None:
    """Claiming the update and finding the user: PostgreSQL in one statement (issue 21: one round
    trip less per message), SQLite in two; either way a re-delivery finds nothing to do."""
    clock = FakeClock()
    statements: list[str] = []

    def counted(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE (db/session.py)
            statements.append(statement)

    async with sessions() as session, session.begin():
        bind = session.get_bind()
        event.listen(bind, "before_cursor_execute", counted)
        try:
            found = await queries.claim_update_and_get_user(
                session, "telegram", "u-1", "42", "42", "id", clock()
            )
            once = len(statements)
            before = await _row_of(session, "42")
            clock.advance(minutes=5)
            again = await queries.claim_update_and_get_user(
                session, "telegram", "u-1", "42", "42", "en", clock()
            )
        finally:
            event.remove(bind, "before_cursor_execute", counted)
        assert found is not None and again is None
        user, state = found
        assert (user.external_id, user.language, state.dialog) == ("42", "id", "start")
        assert once == (1 if bind.dialect.name == "postgresql" else 2)
        assert await _row_of(session, "42") == before  # the re-delivery changed nothing of the row
        # A new update of the same user is handled: the user found again, the row updated.
        later = await queries.claim_update_and_get_user(session, "telegram", "u-2", "42", "42", "en", clock())
        assert later is not None and later[0].id == user.id


async def _row_of(session: Any, external_id: str) -> Any:
    statement = select(User.last_seen_at, User.flood_full_at, User.flood_count, User.chat_id).where(
        User.channel == "telegram", User.external_id == external_id
    )
    return (await session.execute(statement)).one()
