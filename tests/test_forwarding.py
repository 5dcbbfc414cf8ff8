"""Forwarding a case to the task force, at the database level (no bot: a few seconds, so
bench/mutation.py runs it for every mutant of send_case; the end-to-end forwarding tests are in
tests/test_reports_e2e.py and tests/test_guards.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_services
from bot.config import Settings
from db import cases, outbox, queries, roles
from db.models import OutboxMessage
from db.roles import Role
from handlers.cases.forwarding import send_case
from tests.harness import FakeClock

VILLAGE = "61.12.09.2001"  # Sungai Kakap, Kubu Raya
PHOTO = "AgACAgUAAxkBAAIBtelegramfileid"  # a platform's photo id, as Telegram keeps them


async def test_each_coordinator_gets_the_case_and_its_photo_once_in_their_language(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    services = build_services(Settings())
    clock = FakeClock()
    async with sessions() as session, session.begin():
        english, _ = await queries.get_or_create_user(session, "telegram", "501", "501", "en", clock())
        bahasa, _ = await queries.get_or_create_user(session, "whatsapp", "6281", "6281", "id", clock())
        for user in (english, bahasa):
            await roles.grant_role(session, user.id, Role.COORDINATOR, "61.12", "cli", clock())
        case = await cases.create_case(
            session,
            kind="missing",
            village_code=VILLAGE,
            reporter_user_id=None,
            verified_source=False,
            contact_allowed=True,
            details={"person_name": "Siti Aminah", "photo": PHOTO},
            now=clock(),
            ack_deadline=clock() + timedelta(hours=2),
        )
        _, recipients = await roles.case_recipients(session, "61.12")
        place = (await services.regions.index(session)).get(VILLAGE)
        assert place is not None
        assert await send_case(session, services, case, recipients, "forward", clock()) == 4
    for purpose, queued in (("forward", 0), ("escalate", 4), ("escalate", 0)):
        clock.advance(minutes=7)  # a job firing again later: the keys do not change with time
        async with sessions() as session, session.begin():
            assert await send_case(session, services, case, recipients, purpose, clock()) == queued, purpose
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
        messages = {
            row.idempotency_key: (row.channel, row.chat_id, outbox.decode(row.payload)) for row in rows
        }
    prefix = f"case:{case.id}"
    assert sorted(messages) == sorted(
        f"{prefix}:{purpose}:{user.id}{photo}"
        for purpose in ("forward", "escalate")
        for user in (english, bahasa)
        for photo in ("", ":photo")
    )
    for user, chat, language in ((english, ("telegram", "501"), "en"), (bahasa, ("whatsapp", "6281"), "id")):
        t = services.content.texts(language)
        for purpose in ("forward", "escalate"):
            channel, chat_id, reply = messages[f"{prefix}:{purpose}:{user.id}"]
            assert (channel, chat_id) == chat
            assert case.reference in reply.text and place.label in reply.text
            assert t(f"report.kind.{case.kind}") in reply.text, language
            assert reply.text.startswith(t("cases.escalated_note")) == (purpose == "escalate")
            assert reply.buttons, "the coordinator's buttons come with it"
            channel, chat_id, picture = messages[f"{prefix}:{purpose}:{user.id}:photo"]
            assert (channel, chat_id, picture.text, picture.photo) == (*chat, case.reference, PHOTO)
