"""APScheduler jobs. The database stays the source of truth; the in-memory scheduler only ticks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Clock
from db import audit, cases, media, outbox, personal_data, queries, roles, seen_before, statistics
from handlers.broadcasts.sending import fire_due
from handlers.cases.forwarding import send_case
from handlers.context import Services
from handlers.reports.dialog import NAME as REPORT_DIALOG
from handlers.statistics.digest import queue_digests

log = logging.getLogger(__name__)

# Telegram stops re-delivering an update after about a day; keys older than this only take space.
PROCESSED_UPDATE_RETENTION = timedelta(days=2)
ESCALATION_TICK_SECONDS = 60
BROADCAST_TICK_SECONDS = 30
DIGEST_TICK_SECONDS = 300
# A digest's chart picture is kept this long after the digest went (a slow delivery still finds it).
DIGEST_CHART_RETENTION = timedelta(days=14)
# Sent messages deleted per transaction by the pruning job.
PRUNE_BATCH = 5000


class Jobs:
    """The periodic work of one `sigap run` process."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        services: Services,
        on_queued: Callable[[], None] = lambda: None,
        readers: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        """readers: sessions of the read-only engine (db.session.create_reader) for the long
        reads of the weekly digest (None: `sessions`)."""
        self._sessions = sessions
        self._readers = readers or sessions
        self._clock = clock
        self._services = services
        self._on_queued = on_queued
        self._scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
        # Every job reads what is due from the database, so a restart loses nothing: deadlines and
        # broadcast schedules are rows, and a broadcast run is unique per (broadcast, due time).
        jobs = (
            (self.fire_broadcasts, BROADCAST_TICK_SECONDS),
            (self.escalate_overdue, ESCALATION_TICK_SECONDS),
            (self.send_digests, DIGEST_TICK_SECONDS),
            (self.forget_old_updates, 3600),
            (self.purge_closed_cases, 3600),
            (self.drop_abandoned_reports, 3600),
            (self.forget_unseen_identifiers, 3600),
            (self.prune_sent_messages, 3600),
        )
        for job, seconds in jobs:
            # coalesce + max_instances=1: a job that fell behind (process paused) runs once.
            self._scheduler.add_job(
                job, IntervalTrigger(seconds=seconds), coalesce=True, max_instances=1, id=job.__name__
            )
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def escalate_overdue(self) -> int:
        """Reports nobody acknowledged in time go again, and up to the province; returns how many."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
            overdue = await cases.overdue_unacknowledged(session, now)
            # Who each regency's cases go to, read once for all of them (not one query per case).
            to = await roles.escalation_recipients_of(session, [case.regency_code for case in overdue])
            queued = escalated = 0
            for case in overdue:
                recipients = to[case.regency_code]
                if not recipients:
                    continue  # nobody registered yet: try again at the next tick, never drop it
                queued += await send_case(session, self._services, case, recipients, "escalate", now)
                await cases.mark_escalated(session, case.id, now)
                await cases.add_event(
                    session, case.id, "escalated", None, f"{len(recipients)} recipients", now
                )
                escalated += 1
        if queued:
            self._on_queued()
        if len(overdue) > escalated:
            log.error(
                "%d overdue case(s) have nobody to go to: register a coordinator or an admin",
                len(overdue) - escalated,
            )
        if escalated:
            log.warning("escalated %d unacknowledged case(s)", escalated)
        return escalated

    async def fire_broadcasts(self) -> int:
        """Queues every due broadcast run; returns how many messages were queued."""
        queued = await fire_due(self._sessions, self._services, self._clock())
        if queued:
            log.info("queued %d broadcast message(s)", queued)
            self._on_queued()
        return queued

    async def send_digests(self) -> int:
        """Queues the weekly digests that are due; returns how many messages were queued."""
        queued = await queue_digests(self._sessions, self._readers, self._services, self._clock())
        if queued:
            log.info("queued %d weekly digest message(s)", queued)
            self._on_queued()
        return queued

    async def purge_closed_cases(self) -> int:
        """Personal fields of cases closed longer ago than [privacy] closed_case_retention_days."""
        now = self._clock()
        cutoff = now - timedelta(days=self._services.retention_days)
        async with self._sessions() as session, session.begin():
            purged = await personal_data.purge_closed_cases(session, cutoff, now)
            for case_id in purged:
                await audit.record(session, "system", "case_purged", now, case_id, "retention")
        if purged:
            log.info("purged the personal fields of %d closed case(s)", len(purged))
        return len(purged)

    async def forget_unseen_identifiers(self) -> int:
        """ "Seen before" identifiers unseen for [privacy] seen_before_days (cleared ones stay)."""
        now = self._clock()
        cutoff = now.date() - timedelta(days=self._services.seen_before_days)
        async with self._sessions() as session, session.begin():
            forgotten = await seen_before.forget_unseen(session, cutoff)
            if forgotten:
                await audit.record(
                    session, "system", "seen_forgotten", now, detail=f"{forgotten} (retention)"
                )
        if forgotten:
            log.info("forgot %d recruiter identifier(s) unseen since %s", forgotten, cutoff)
            if self._services.seen_filter is not None:  # the deleted are false positives until then
                await self._services.seen_filter.load()
        return forgotten

    async def drop_abandoned_reports(self) -> tuple[int, int]:
        """Reports left unsent longer than [privacy] report_draft_days go, with their answers; then
        every photo that no unsent report and no case owns any more. Returns (reports, photos)."""
        cutoff = self._clock() - timedelta(days=self._services.draft_days)
        async with self._sessions() as session, session.begin():
            dropped = await queries.expire_dialogs(session, REPORT_DIALOG, cutoff)
            photos = await media.forget_orphaned_photos(session, REPORT_DIALOG, cutoff)
        if dropped or photos:
            log.info("dropped %d unsent report(s) and %d orphaned photo(s)", len(dropped), photos)
        return len(dropped), photos

    async def prune_sent_messages(self) -> int:
        """Sent messages older than [delivery] sent_retention_days leave the outbox, a batch per
        transaction (short locks; SQLite's one connection is not held for long); returns how many."""
        cutoff = self._clock() - timedelta(days=self._services.sent_retention_days)
        pruned = 0
        while True:
            async with self._sessions() as session, session.begin():
                batch = await outbox.prune_sent(session, cutoff, PRUNE_BATCH)
            pruned += batch
            if batch < PRUNE_BATCH:
                break
        if pruned:
            log.info("pruned %d sent message(s) from the outbox", pruned)
        return pruned

    async def forget_old_updates(self) -> int:
        async with self._sessions() as session, session.begin():
            cutoff = self._clock() - PROCESSED_UPDATE_RETENTION
            removed = await queries.forget_processed_updates(session, cutoff)
            # Texts kept for a WhatsApp delivery report that never came go after the same time.
            await outbox.forget_unconfirmed_texts(session, cutoff)
            for chart in await statistics.old_digest_charts(session, self._clock() - DIGEST_CHART_RETENTION):
                await media.forget_chart(session, chart)
        if removed:
            log.info("forgot %d processed update keys", removed)
        return removed
