"""Periodic jobs, run by hand with a controlled clock (no sleeping)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_services
from bot.config import Settings
from bot.scheduler import PROCESSED_UPDATE_RETENTION, Jobs
from db import queries
from db.models import ProcessedUpdate
from tests.harness import FakeClock


async def test_old_processed_update_keys_are_forgotten(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock()
    async with sessions() as session, session.begin():
        assert await queries.claim_update(session, "telegram", "old", clock())
        clock.advance(seconds=PROCESSED_UPDATE_RETENTION.total_seconds() - 60)
        assert await queries.claim_update(session, "telegram", "recent", clock())
    clock.advance(seconds=120)  # "old" is now past retention, "recent" is not
    jobs = Jobs(sessions, clock, build_services(Settings()))
    assert await jobs.forget_old_updates() == 1
    async with sessions() as session:
        keys = (await session.execute(select(ProcessedUpdate.update_key))).scalars().all()
        assert keys == [queries.update_fingerprint("recent")]
        assert (await session.execute(select(func.count()).select_from(ProcessedUpdate))).scalar_one() == 1


async def test_closed_cases_lose_their_personal_fields_after_the_retention_period(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    from datetime import timedelta

    from db import audit, cases, media
    from db.models import Case, CaseEvent, StoredMedia

    clock = FakeClock()
    jobs = Jobs(sessions, clock, build_services(Settings()))  # 180 days by default
    made = {}
    async with sessions() as session, session.begin():
        reporter, _ = await queries.get_or_create_user(session, "telegram", "5", "5", "id", clock())
        for name in ("old", "recent", "open"):
            photo = await media.store_draft_photo(session, reporter.id, b"jpeg", "image/jpeg", clock())
            case = await cases.create_case(
                session,
                kind="missing",
                village_code="61.12.09.2001",
                reporter_user_id=None,
                verified_source=False,
                contact_allowed=True,
                details={"person_name": f"Siti {name}", "recruiter_phone": "+85512345678", "photo": photo},
                now=clock(),
                ack_deadline=clock() + timedelta(hours=2),
            )
            await cases.add_event(session, case.id, "info_added", None, "nomor WA 0812...", clock())
            assert await media.give_draft_photo_to_case(session, reporter.id, photo, case.id)
            made[name] = case.id
        await cases.set_status(session, made["old"], "closed", clock(), "found_safe")
    clock.advance(days=100)
    async with sessions() as session, session.begin():
        await cases.set_status(session, made["recent"], "closed", clock(), "found_safe")
    clock.advance(days=81)  # "old" closed 181 days ago, "recent" 81 days ago, "open" never closed

    assert await jobs.purge_closed_cases() == 1
    assert await jobs.purge_closed_cases() == 0, "once"
    async with sessions() as session:
        rows = {c.id: c for c in (await session.execute(select(Case))).scalars()}
        old, recent = rows[made["old"]], rows[made["recent"]]
        assert old.details == {} and old.purged_at == clock()
        assert (old.kind, old.status, old.outcome, old.village_code) == (
            "missing",
            "closed",
            "found_safe",
            "61.12.09.2001",
        )
        assert recent.details["person_name"] == "Siti recent" and rows[made["open"]].purged_at is None
        notes = dict((await session.execute(select(CaseEvent.case_id, CaseEvent.note))).all())
        assert notes[made["old"]] is None and notes[made["recent"]] == "nomor WA 0812..."
        assert (await session.execute(select(func.count()).select_from(StoredMedia))).scalar_one() == 2
        [entry] = await audit.entries(session, made["old"])
        assert (entry.actor, entry.action) == ("system", "case_purged")
