"""What /dataku shows a person and what the retention purge takes, at the database level (fast:
these are the tests bench/mutation.py runs per mutant of the erasure area; docs/testing.md lists
the mutants each was written for)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import audit, cases, outbox, personal_data, queries, roles, subscriptions
from db.models import CaseEvent, OutboxMessage, RoleAssignment, User
from db.roles import Role
from ground.messages import Reply
from tests.harness import FakeClock

VILLAGE = "61.12.09.2001"


async def test_my_data_shows_my_own_subscription_and_roles_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    async with sessions() as session, session.begin():
        ana, budi, citra = [
            (await queries.get_or_create_user(session, "telegram", name, name, "id", clock()))[0]
            for name in ("ana", "budi", "citra")
        ]
        await subscriptions.subscribe(session, budi.id, "61.12", "en", clock())
        await subscriptions.subscribe(session, citra.id, "61.71", "id", clock())
        assert await subscriptions.unsubscribe(session, citra.id, clock())
        await roles.grant_role(session, budi.id, Role.COORDINATOR, "61.12", "cli", clock())
        await roles.grant_role(session, citra.id, Role.OFFICIAL, VILLAGE, "cli", clock())
        await roles.grant_role(session, citra.id, Role.COORDINATOR, "61.71", "cli", clock())
        await roles.revoke_roles(session, citra.id, clock(), Role.COORDINATOR)

        await session.execute(
            update(User)
            .where(User.id == ana.id)
            .values(region_code=VILLAGE, privacy_version="2", privacy_seen_at=clock())
        )
        assert await personal_data.gather(session, ana.id) == personal_data.PersonalData(
            channel="telegram",
            external_id="ana",
            language="id",
            region_code=VILLAGE,
            created_at=clock(),
            privacy_version="2",
            privacy_seen_at=clock(),
            subscription=None,  # nobody else's
            roles=(),
            reports=(),
        )
        budis = await personal_data.gather(session, budi.id)
        assert budis.subscription == ("61.12", "en")
        assert budis.roles == ((Role.COORDINATOR, "61.12"),)
        citras = await personal_data.gather(session, citra.id)
        assert citras.subscription is None, "an ended subscription is not shown as held"
        assert citras.roles == ((Role.OFFICIAL, VILLAGE),), "a revoked role is not shown as held"


async def test_the_purge_detaches_the_reporter_from_that_case_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The reporter's entries in the purged case's history lose their account; the coordinator's
    entries there keep theirs (officials stay accountable), and the reporter's entries in another,
    still open case are untouched."""
    clock = FakeClock()
    async with sessions() as session, session.begin():
        reporter, coordinator = [
            (await queries.get_or_create_user(session, "telegram", name, name, "id", clock()))[0]
            for name in ("reporter", "coordinator")
        ]
        made = []
        for name in ("old", "open"):
            case = await cases.create_case(
                session,
                kind="missing",
                village_code=VILLAGE,
                reporter_user_id=reporter.id,
                verified_source=False,
                contact_allowed=True,
                details={"person_name": f"Siti {name}"},
                now=clock(),
                ack_deadline=clock() + timedelta(hours=2),
            )
            await cases.add_event(session, case.id, "acknowledged", coordinator.id, None, clock())
            await cases.add_event(session, case.id, "info_added", reporter.id, "nomor 0812", clock())
            made.append(case.id)
        old, still_open = made
        await cases.set_status(session, old, "closed", clock(), "found_safe")
    closed_at = clock()
    clock.advance(days=181)
    async with sessions() as session, session.begin():
        assert await personal_data.purge_closed_cases(session, closed_at, clock()) == [], "not before it"
        cut_off = clock() - timedelta(days=180)
        assert await personal_data.purge_closed_cases(session, cut_off, clock()) == [old]
    async with sessions() as session:
        actors = {
            (case_id, action): actor
            for case_id, action, actor in (
                await session.execute(select(CaseEvent.case_id, CaseEvent.action, CaseEvent.actor_user_id))
            ).all()
        }
    assert actors == {
        (old, "created"): None,
        (old, "acknowledged"): coordinator.id,
        (old, "info_added"): None,
        (still_open, "created"): reporter.id,
        (still_open, "acknowledged"): coordinator.id,
        (still_open, "info_added"): reporter.id,
    }


async def test_erasure_leaves_an_empty_tombstone_and_spares_everyone_else(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """After /hapus the account row names nobody and nothing will be sent to it; messages to
    other people (even one with the same chat number on the other channel) stay as they were;
    the person's acts in the audit log name the tombstone, an official's act keeps its name."""
    clock = FakeClock()
    async with sessions() as session, session.begin():
        ana, _ = await queries.get_or_create_user(session, "telegram", "100", "100", "en", clock())
        bob, _ = await queries.get_or_create_user(session, "telegram", "200", "200", "id", clock())
        await queries.get_or_create_user(session, "whatsapp", "100", "100", "id", clock())
        await session.execute(
            update(User)
            .where(User.id == ana.id)
            .values(
                language_chosen=True,
                privacy_version="2",
                privacy_seen_at=clock(),
                region_code=VILLAGE,
                dialog="report",
                step="name",
                dialog_data={"person_name": "Siti"},
                menu_choices=["a"],
                flood_full_at=1.0,
                flood_refused=True,
                flood_count=3,
                invite_failures=2,
                invite_blocked_until=clock(),
            )
        )
        await subscriptions.subscribe(session, ana.id, "61.12", "en", clock())
        await roles.grant_role(session, ana.id, Role.OFFICIAL, VILLAGE, "cli", clock())
        await roles.revoke_roles(session, ana.id, clock())  # earlier: that date stays as it was
        await roles.grant_role(session, ana.id, Role.COORDINATOR, "61.12", "cli", clock())
        case = await cases.create_case(
            session,
            kind="missing",
            village_code=VILLAGE,
            reporter_user_id=ana.id,
            verified_source=False,
            contact_allowed=True,
            details={"person_name": "Siti"},
            now=clock(),
            ack_deadline=clock() + timedelta(hours=2),
        )
        await cases.add_event(session, case.id, "acknowledged", bob.id, None, clock())
        for key, channel, chat in (
            ("to-ana-queued", "telegram", "100"),
            ("to-ana-sent", "telegram", "100"),
            ("to-bob", "telegram", "200"),
            ("to-wa-100", "whatsapp", "100"),
        ):
            assert await outbox.enqueue(session, key, channel, chat, Reply(f"Halo {key}"), clock())
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.idempotency_key.in_(["to-ana-sent", "to-wa-100"]))
            .values(status="sent", platform_message_id="m-100", last_error="slow")
        )
        await audit.record(session, "telegram:100", "report_filed", clock(), case.id)
        await audit.record(session, "telegram:100", "case_acknowledged", clock(), case.id)
        await audit.record(session, "telegram:200", "report_filed", clock())
    clock.advance(days=1)
    async with sessions() as session, session.begin():
        assert await personal_data.erase(session, ana.id, clock()) == 1
    async with sessions() as session:
        tombstone = (await session.execute(select(User).where(User.id == ana.id))).scalar_one()
        assert {column: getattr(tombstone, column) for column in ERASED} == {
            **ERASED,
            "external_id": f"deleted:{ana.id}",
            "last_seen_at": clock(),
        }
        assert (await personal_data.gather(session, ana.id)).subscription is None
        assert await roles.active_roles(session, ana.id) == set()
        assert (await cases.get_case(session, case.id)) is not None
        events = (await session.execute(select(CaseEvent.action, CaseEvent.actor_user_id))).all()
        assert sorted(map(tuple, events)) == [("acknowledged", bob.id), ("created", None)]
        revoked = (
            await session.execute(
                select(RoleAssignment.role, RoleAssignment.revoked_at).where(RoleAssignment.user_id == ana.id)
            )
        ).all()
        assert sorted(map(tuple, revoked)) == [
            (Role.COORDINATOR, clock()),
            (Role.OFFICIAL, clock() - timedelta(days=1)),
        ]
        messages = {
            row.idempotency_key: (
                row.channel,
                row.chat_id,
                outbox.decode(row.payload).text if row.payload else "",
            )
            for row in (await session.execute(select(OutboxMessage))).scalars()
        }
        sent_id = (
            await session.execute(select(OutboxMessage.id).where(OutboxMessage.chat_id == ""))
        ).scalar_one()
        assert messages == {
            f"erased:{sent_id}": ("telegram", "", ""),
            "to-bob": ("telegram", "200", "Halo to-bob"),
            "to-wa-100": ("whatsapp", "100", "Halo to-wa-100"),
        }
        blanked = (
            await session.execute(select(OutboxMessage.payload).where(OutboxMessage.id == sent_id))
        ).scalar()
        assert blanked == {}, "no text left"
        kept = (
            await session.execute(
                select(OutboxMessage.platform_message_id, OutboxMessage.last_error).order_by(OutboxMessage.id)
            )
        ).all()
        assert [tuple(row) for row in kept] == [(None, None), (None, None), ("m-100", "slow")]
        log = [(entry.actor, entry.action, entry.detail) for entry in await audit.entries(session, limit=10)]
        assert sorted(log) == sorted(
            [
                (f"user:{ana.id}", "report_filed", None),
                ("telegram:100", "case_acknowledged", None),
                ("telegram:200", "report_filed", None),
                (f"user:{ana.id}", "personal_data_erased", "1 report(s) detached"),
            ]
        )


ERASED: dict[str, object] = {
    "external_id": None,
    "chat_id": "",
    "language": "",
    "region_code": None,
    "privacy_version": None,
    "privacy_seen_at": None,
    "language_chosen": False,
    "blocked": True,
    "last_seen_at": None,
    "dialog": "start",
    "step": "idle",
    "dialog_data": {},
    "menu_choices": None,
    "flood_full_at": None,
    "flood_refused": False,
    "flood_count": 0,
    "invite_failures": 0,
    "invite_blocked_until": None,
}
