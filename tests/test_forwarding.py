"""Forwarding a case to the task force and queueing a broadcast, at the database level (no bot:
seconds, so bench/mutation.py runs them for every mutant of send_case and the outbox keys; the
end-to-end forwarding tests are in tests/test_reports_e2e.py and tests/test_guards.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_services
from bot.config import Settings
from db import broadcasts, cases, media, outbox, queries, roles
from db.models import OutboxMessage
from db.roles import Role
from ground.messages import Reply
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
            # Outside WhatsApp's 24-hour window the approved template goes instead: in their language.
            assert reply.template is not None
            assert (reply.template.purpose, reply.template.language) == ("case_alert", language)
            assert reply.template.params == (case.reference,)
            channel, chat_id, picture = messages[f"{prefix}:{purpose}:{user.id}:photo"]
            assert (channel, chat_id, picture.text, picture.photo) == (*chat, case.reference, PHOTO)


async def test_a_repeated_fan_out_queues_only_what_is_new(sessions: async_sessionmaker[AsyncSession]) -> None:
    """A broadcast's fan-out (enqueue_many) that runs again after a crash adds only the keys it
    had not queued; every row is pending, due now, at its priority, with its own text."""
    clock = FakeClock()
    async with sessions() as session, session.begin():
        broadcast = await broadcasts.create(
            session,
            created_by="test",
            region_code="61.12",
            language="id",
            library_key=None,
            text="Halo",
            schedule="once",
            run_at=clock(),
            weekday=None,
            local_time=None,
            timezone="Asia/Jakarta",
            created_at=clock(),
        )
        run = await broadcasts.start_run(session, broadcast.id, clock(), clock())
    rows: list[dict[str, Any]] = [
        {
            "key": "bc:1:1",
            "channel": "telegram",
            "chat_id": "501",
            "reply": Reply("Halo 501"),
            "priority": 1,
            "run_id": run,
        },
        {"key": "bc:1:2", "channel": "whatsapp", "chat_id": "6281", "reply": Reply("Halo 6281")},
    ]
    async with sessions() as session, session.begin():
        assert await outbox.enqueue_many(session, [], clock()) == 0
        assert await outbox.enqueue_many(session, rows, clock()) == 2
    clock.advance(minutes=5)
    again = [*rows, {"key": "bc:1:3", "channel": "telegram", "chat_id": "502", "reply": Reply("Halo 502")}]
    async with sessions() as session, session.begin():
        assert await outbox.enqueue_many(session, again, clock()) == 1
        queued = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
    first = clock() - timedelta(minutes=5)
    assert [
        (
            m.idempotency_key,
            m.channel,
            m.chat_id,
            outbox.decode(m.payload).text,
            m.status,
            m.attempts,
            m.next_attempt_at,
            m.created_at,
            m.priority,
            m.run_id,
        )
        for m in queued
    ] == [
        ("bc:1:1", "telegram", "501", "Halo 501", "pending", 0, first, first, 1, run),
        ("bc:1:2", "whatsapp", "6281", "Halo 6281", "pending", 0, first, first, 0, None),
        ("bc:1:3", "telegram", "502", "Halo 502", "pending", 0, clock(), clock(), 0, None),
    ]
    assert run is not None, "the run's progress counts its messages"


async def test_a_stored_picture_goes_with_its_case_and_a_case_without_one_sends_none(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """WhatsApp pictures are stored by Sigap ("media:N"): the case's own goes with it. A case
    without a photo queues the text alone."""
    services = build_services(Settings())
    clock = FakeClock()
    async with sessions() as session, session.begin():
        reporter, _ = await queries.get_or_create_user(session, "whatsapp", "6289", "6289", "id", clock())
        coordinator, _ = await queries.get_or_create_user(session, "telegram", "501", "501", "id", clock())
        await roles.grant_role(session, coordinator.id, Role.COORDINATOR, "61.12", "cli", clock())
        _, recipients = await roles.case_recipients(session, "61.12")
        photo = await media.store_draft_photo(session, reporter.id, b"jpeg", "image/jpeg", clock())
        made = []
        for details in ({"person_name": "Siti", "photo": photo}, {"person_name": "Ani"}):
            case = await cases.create_case(
                session,
                kind="missing",
                village_code=VILLAGE,
                reporter_user_id=reporter.id,
                verified_source=False,
                contact_allowed=True,
                details=details,
                now=clock(),
                ack_deadline=clock() + timedelta(hours=2),
            )
            made.append(case)
        with_photo, without = made
        assert await media.give_draft_photo_to_case(session, reporter.id, photo, with_photo.id)
        assert await send_case(session, services, with_photo, recipients, "forward", clock()) == 2
        assert await send_case(session, services, without, recipients, "forward", clock()) == 1
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
        photos = {row.idempotency_key: outbox.decode(row.payload).photo for row in rows}
    assert photos == {
        f"case:{with_photo.id}:forward:{coordinator.id}": "",
        f"case:{with_photo.id}:forward:{coordinator.id}:photo": photo,
        f"case:{without.id}:forward:{coordinator.id}": "",
    }
