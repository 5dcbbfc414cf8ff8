"""/statistik: a coordinator picks a region (if they hold several) and a period, and gets the
numbers, the 12-week chart and an XLSX of the same, for their own regions only."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from db import audit
from ground.messages import Button, Reply, whole_number
from handlers.access import may_oversee, my_task_force_roles
from handlers.buttons import fields_of, pack
from handlers.cases.dialog import actor, record_refusal
from handlers.choice_labels import numbered_choices
from handlers.context import Turn
from handlers.menu import show_menu
from handlers.statistics.charts import weekly_chart
from handlers.statistics.export import statistics_xlsx
from handlers.statistics.figures import Summary, read_summary, scope_of
from handlers.statistics.text import chart_caption, period_text, summary_text

PERIODS = (7, 30, 90, 365)
EVERYWHERE = "*"
SHOW, EXPORT = "p", "x"
PREFIX = "st"


@dataclass(frozen=True)
class StatsButton:
    """st:r:<region> (choose a period), st:p|x:<region>:<days> (show, export); roles are checked on
    the tap. The region is "*" for the whole country."""

    action: str
    region_code: str | None
    days: int | None = None

    def pack(self) -> str:
        period = () if self.days is None else (self.days,)
        return pack(PREFIX, self.action, self.region_code or EVERYWHERE, *period)

    @classmethod
    def read(cls, data: str) -> StatsButton | None:
        fields = fields_of(PREFIX, data, 2) or fields_of(PREFIX, data, 3)
        if fields is None:
            return None
        days = whole_number(fields[2]) if len(fields) == 3 else None
        if len(fields) == 3 and days is None:
            return None
        return cls(fields[0], None if fields[1] == EVERYWHERE else fields[1], days)


def stats_button(region_code: str | None, days: int, action: str = SHOW) -> str:
    """The button data that shows (or exports) a region's statistics."""
    return StatsButton(action, region_code, days).pack()


async def begin(turn: Turn) -> None:
    my_roles = await my_task_force_roles(turn)
    if not my_roles:
        turn.say(turn.t("officials.not_coordinator"))
        await show_menu(turn)
        return
    regions = sorted({r.region_code for r in my_roles}, key=lambda code: code or "")
    if len(regions) == 1:
        await _ask_period(turn, regions[0])
        return
    choices = []
    for code in regions:
        scope = await scope_of(turn.session, code, turn.t("statistics.everywhere"))
        choices.append((scope.name, scope.name, StatsButton("r", code).pack()))  # then a period
    # "Kabupaten Administrasi Kepulauan Seribu" would not fit a label: listed, numbered.
    listing, buttons = numbered_choices(turn.t, choices)
    turn.say(f"{turn.t('statistics.choose_region')}\n{listing}", buttons)


async def _ask_period(turn: Turn, region_code: str | None) -> None:
    scope = await scope_of(turn.session, region_code, turn.t("statistics.everywhere"))
    buttons = tuple(
        (Button(turn.t(f"statistics.period_{days}"), stats_button(region_code, days)),) for days in PERIODS
    )
    turn.say(turn.t("statistics.choose_period", scope=scope.name), buttons)


async def on_button(turn: Turn) -> None:
    """st:r:<region> (choose a period), st:p:<region>:<days> (show), st:x:<region>:<days> (XLSX)."""
    button = StatsButton.read(turn.incoming.data) or StatsButton("", None)
    action, region_code, days = button.action, button.region_code, button.days
    if not may_oversee(await my_task_force_roles(turn), region_code):
        turn.say(turn.t("statistics.not_allowed"))
        await record_refusal(turn, "refused_statistics")
        return
    if action == "r":
        await _ask_period(turn, region_code)
    elif action in (SHOW, EXPORT) and days in PERIODS:
        # Read outside the turn: a year of the country must not hold what other users wait for.
        everywhere = turn.t("statistics.everywhere")
        summary, names = await turn.read(read_summary, region_code, days, everywhere)
        if action == SHOW:
            await _show(turn, summary, names, days)
        else:
            await _export(turn, summary, names)
    else:
        turn.say(turn.t("errors.stale_button"))


async def _show(turn: Turn, summary: Summary, names: dict[str, str], days: int) -> None:
    region = summary.scope.region_code or EVERYWHERE
    export = ((Button(turn.t("statistics.export"), stats_button(summary.scope.region_code, days, EXPORT)),),)
    turn.say(summary_text(turn.t, summary, names), export)
    # Drawn in a thread: a tenth of a second of matplotlib must not stall the other chats.
    png = await asyncio.to_thread(weekly_chart, turn.t, summary)
    turn.replies.append(Reply(chart_caption(turn.t, summary), photo_data=png, photo_mime="image/png"))
    await audit.record(
        turn.session, actor(turn), "statistics_viewed", turn.now, detail=f"{region}, {days} days"
    )


async def _export(turn: Turn, summary: Summary, names: dict[str, str]) -> None:
    region = summary.scope.region_code or EVERYWHERE
    content = statistics_xlsx(turn.t, summary, names)
    await audit.record(
        turn.session,
        actor(turn),
        "statistics_exported",
        turn.now,
        detail=f"xlsx, {region}, {summary.period.days} days",
    )
    caption = turn.t(
        "statistics.export_caption", scope=summary.scope.name, period=period_text(turn.t, summary)
    )
    name = f"statistik-{region.replace('.', '')}-{summary.period.last_day.isoformat()}.xlsx"
    turn.replies.append(Reply(caption, document_name=name, document=content))
