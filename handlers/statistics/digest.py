"""The weekly digest: every task-force region's summary and 12-week chart, to its coordinators
(admins: the whole country), on the configured weekday and local time of the region."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, media, outbox, roles, seen_before, statistics
from db.roles import Role
from ground.messages import Button, Reply, Template
from handlers.context import DigestSchedule, Services
from handlers.seen_before.calo import ranked_lines
from handlers.statistics.charts import weekly_chart
from handlers.statistics.dialog import EXPORT, stats_button
from handlers.statistics.figures import Period, Summary, gather, place_names, scope_of
from handlers.statistics.text import chart_caption, period_text, summary_text

DIGEST_DAYS = 7
# A digest not sent by then (the bot was down) is skipped: next week's comes on time instead of
# two arriving together.
DIGEST_GRACE = timedelta(days=1)


def due_week_end(now: datetime, zone: str, schedule: DigestSchedule) -> date:
    """The day the latest digest due by `now` was due (local); it covers the seven days before it."""
    local = now.astimezone(ZoneInfo(zone))
    due = local.date() - timedelta(days=(local.weekday() - schedule.weekday) % 7)
    if due == local.date() and local.time() < schedule.at:
        due -= timedelta(days=7)
    return due


async def queue_digests(session: AsyncSession, services: Services, now: datetime) -> int:
    """Queues every digest that is due and not sent yet; returns how many messages were queued.
    A digest is claimed per (region, week) first, so two processes or a repeated tick send one."""
    queued = 0
    everywhere = services.content.texts(services.content.default_language)("statistics.everywhere")
    for region_code in await roles.task_force_regions(session):
        scope = await scope_of(session, region_code, everywhere)
        week_end = due_week_end(now, scope.timezone, services.digest)
        due = datetime.combine(week_end, services.digest.at, ZoneInfo(scope.timezone))
        if now - due > DIGEST_GRACE:
            continue
        run_id = await statistics.claim_digest(session, region_code, week_end, now)
        if run_id is None:
            continue
        role = Role.ADMIN if region_code is None else Role.COORDINATOR
        recipients = await roles.holders(session, role, region_code)
        summary = await gather(session, scope, Period(week_end - timedelta(days=DIGEST_DAYS), week_end), now)
        names = await place_names(session, summary)
        # The recruiters seen most in the region this week ("seen before"), by code and case.
        recruiters = await seen_before.most_seen(
            session, region_code, week_end - timedelta(days=DIGEST_DAYS), 5
        )
        if recruiters:
            await audit.record(session, "system", "seen_viewed", now, detail=f"digest {region_code or 'all'}")
        charts: dict[str, str] = {}
        for recipient in recipients:
            language = recipient.language
            mine = _named_in(services, language, summary)
            if language not in charts:
                charts[language] = await _stored_chart(session, services, language, mine, now)
            for key, reply in _messages(services, language, mine, names, charts[language], recruiters):
                queued += await outbox.enqueue(
                    session,
                    f"digest:{run_id}:{recipient.user_id}:{key}",
                    recipient.channel,
                    recipient.chat_id,
                    reply,
                    now,
                )
        await statistics.set_digest_charts(session, run_id, list(charts.values()))
    return queued


def _named_in(services: Services, language: str, summary: Summary) -> Summary:
    """The whole country's name in the reader's language (a region's official name has one)."""
    if summary.scope.region_code is not None:
        return summary
    name = services.content.texts(language)("statistics.everywhere")
    return replace(summary, scope=replace(summary.scope, name=name))


async def _stored_chart(
    session: AsyncSession, services: Services, language: str, summary: Summary, now: datetime
) -> str:
    # Drawn in a thread: a tenth of a second of matplotlib must not stall every chat.
    png = await asyncio.to_thread(weekly_chart, services.content.texts(language), summary)
    return await media.store_chart(session, png, now)


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
