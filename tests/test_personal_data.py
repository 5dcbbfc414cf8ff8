"""What /dataku shows a person and what the retention purge takes, at the database level (fast:
these are the tests bench/mutation.py runs per mutant of the erasure area; docs/testing.md lists
the mutants each was written for)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import cases, personal_data, queries, roles, subscriptions
from db.models import CaseEvent
from db.roles import Role
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

        mine = await personal_data.gather(session, ana.id)
        assert (mine.external_id, mine.subscription, mine.roles) == ("ana", None, ()), "nobody else's"
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
    clock.advance(days=181)
    async with sessions() as session, session.begin():
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
