"""The weekly digest: every task-force region's summary and 12-week chart, to its coordinators
(admins: the whole country), on the configured weekday and local time of the region."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import audit, media, outbox, roles, seen_before, statistics
from ground.messages import Button, Reply, Template
from handlers.context import DigestSchedule, Services
from handlers.seen_before.calo import ranked_lines
from handlers.statistics.charts import weekly_chart
from handlers.statistics.dialog import EXPORT, stats_button
from handlers.statistics.figures import Period, Scope, Summary, gather_many, place_names_of, scopes_of
from handlers.statistics.text import chart_caption, period_text, summary_text

DIGEST_DAYS = 7
# A digest not sent by then (the bot was down) is skipped: next week's comes on time instead of
# two arriving together.
DIGEST_GRACE = timedelta(days=1)
# The recruiters a digest lists.
RECRUITERS = 5


def due_week_end(now: datetime, zone: str, schedule: DigestSchedule) -> date:
    """The day the latest digest due by `now` was due (local); it covers the seven days before it."""
    local = now.astimezone(ZoneInfo(zone))
    due = local.date() - timedelta(days=(local.weekday() - schedule.weekday) % 7)
    if due == local.date() and local.time() < schedule.at:
        due -= timedelta(days=7)
    return due


@dataclass(frozen=True)
class DueDigest:
    """One region's digest, read and not yet queued: for the week ending on week_end."""

    summary: Summary
    week_end: date
    recipients: list[roles.Recipient]
    names: dict[str, str]
    recruiters: list[seen_before.Ranked]


async def due_digests(session: AsyncSession, services: Services, now: datetime) -> list[DueDigest]:
    """Every digest due and not made yet, with all it shows, read in one pass for all regions:
    grouped queries whose number does not grow with the regions (a read-only session will do)."""
    everywhere = services.content.texts(services.content.default_language)("statistics.everywhere")
    weeks: list[tuple[Scope, date]] = []
    for scope in await scopes_of(session, await roles.task_force_regions(session), everywhere):
        week_end = due_week_end(now, scope.timezone, services.digest)
        due = datetime.combine(week_end, services.digest.at, ZoneInfo(scope.timezone))
        if now - due <= DIGEST_GRACE:
            weeks.append((scope, week_end))
    # Made already (an earlier tick, another process): not read again every tick of the day.
    made = await statistics.digests_made(session, [week_end for _, week_end in weeks])
    weeks = [(scope, week_end) for scope, week_end in weeks if (scope.region_code, week_end) not in made]
    if not weeks:
        return []
    periods = [Period(week_end - timedelta(days=DIGEST_DAYS), week_end) for _, week_end in weeks]
    summaries = await gather_many(
        session, [(scope, period) for (scope, _), period in zip(weeks, periods, strict=True)], now
    )
    names = await place_names_of(session, summaries)
    recipients = await roles.holders_of_regions(session, [scope.region_code for scope, _ in weeks])
    # The recruiters seen most in each region this week ("seen before"), by code and case.
    recruiters: dict[str | None, list[seen_before.Ranked]] = {}
    by_since: dict[date, list[str]] = {}
    for scope, period in zip((scope for scope, _ in weeks), periods, strict=True):
        if scope.region_code is None:
            recruiters[None] = await seen_before.most_seen(session, None, period.start, RECRUITERS)
        else:
            by_since.setdefault(period.start, []).append(scope.region_code)
    for since, codes in by_since.items():
        recruiters.update(await seen_before.most_seen_of_regions(session, codes, since, RECRUITERS))
    return [
        DueDigest(summary, week_end, recipients[scope.region_code], named, recruiters[scope.region_code])
        for (scope, week_end), summary, named in zip(weeks, summaries, names, strict=True)
    ]


async def queue_digests(
    sessions: async_sessionmaker[AsyncSession],
    readers: async_sessionmaker[AsyncSession],
    services: Services,
    now: datetime,
) -> int:
    """Queues every digest that is due and not sent yet; returns how many messages were queued.
    The figures are read in a read-only session (no write transaction held meanwhile; on SQLite
    the writing connection stays free), the charts drawn with no transaction open, then one short
    transaction writes. A digest is claimed per (region, week) there, so two processes or a
    repeated tick send one."""
    async with readers() as session, session.begin():
        due = await due_digests(session, services, now)
    charts: list[dict[str, bytes]] = []
    for digest in due:
        drawn: dict[str, bytes] = {}
        for recipient in digest.recipients:
            if recipient.language not in drawn:
                mine = _named_in(services, recipient.language, digest.summary)
                # Drawn in a thread: a tenth of a second of matplotlib must not stall every chat.
                drawn[recipient.language] = await asyncio.to_thread(
                    weekly_chart, services.content.texts(recipient.language), mine
                )
        charts.append(drawn)
    queued = 0
    async with sessions() as session, session.begin():
        for digest, drawn in zip(due, charts, strict=True):
            queued += await _queue(session, services, digest, drawn, now)
    return queued


async def _queue(
    session: AsyncSession, services: Services, digest: DueDigest, drawn: dict[str, bytes], now: datetime
) -> int:
    region_code = digest.summary.scope.region_code
    run_id = await statistics.claim_digest(session, region_code, digest.week_end, now)
    if run_id is None:
        return 0  # made meanwhile by another process
    if digest.recruiters:
        await audit.record(session, "system", "seen_viewed", now, detail=f"digest {region_code or 'all'}")
    stored = {language: await media.store_chart(session, png, now) for language, png in drawn.items()}
    queued = 0
    for recipient in digest.recipients:
        language = recipient.language
        mine = _named_in(services, language, digest.summary)
        for key, reply in _messages(
            services, language, mine, digest.names, stored[language], digest.recruiters
        ):
            queued += await outbox.enqueue(
                session,
                f"digest:{run_id}:{recipient.user_id}:{key}",
                recipient.channel,
                recipient.chat_id,
                reply,
                now,
            )
    await statistics.set_digest_charts(session, run_id, list(stored.values()))
    return queued


def _named_in(services: Services, language: str, summary: Summary) -> Summary:
    """The whole country's name in the reader's language (a region's official name has one)."""
    if summary.scope.region_code is not None:
        return summary
    name = services.content.texts(language)("statistics.everywhere")
    return replace(summary, scope=replace(summary.scope, name=name))


def _messages(
    services: Services,
    language: str,
    summary: Summary,
    names: dict[str, str],
    chart: str,
    recruiters: list[seen_before.Ranked],
) -> list[tuple[str, Reply]]:
    t = services.content.texts(language)
    scope = summary.scope
    # Outside WhatsApp's 24-hour window only the template goes; its button shows the numbers.
    template = Template(
        "digest",
        language,
        (t("statistics.digest_template", scope=scope.name, period=period_text(t, summary)),),
        stats_button(scope.region_code, DIGEST_DAYS),
    )
    text = summary_text(t, summary, names, weekly=True)
    if recruiters:
        text = "\n".join([text, "", t("seen.calo.digest_title"), *ranked_lines(t, recruiters)])
    more = ((Button(t("statistics.export"), stats_button(scope.region_code, DIGEST_DAYS, EXPORT)),),)
    return [
        ("text", Reply(text, more, template=template)),
        ("chart", Reply(chart_caption(t, summary), photo=chart)),
    ]
