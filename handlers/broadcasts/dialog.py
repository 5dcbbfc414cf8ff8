"""/siaran: coordinators see their region's broadcasts with progress, pause, resume, cancel, and
create new ones (message, region, when, preview, confirm). Admins may target everyone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from db import audit, broadcasts, regions, subscriptions
from db.broadcasts import BroadcastRecord
from db.roles import Role, RoleRecord
from ground.messages import Button, Reply
from handlers.access import may_oversee, my_task_force_roles
from handlers.broadcasts.draft import BroadcastDraft
from handlers.broadcasts.report import delivery_table
from handlers.broadcasts.schedule import Schedule, ScheduleError, once_at, weekly
from handlers.broadcasts.sending import schedule_of
from handlers.buttons import ActionOn, Choice
from handlers.cases.dialog import actor, record_refusal
from handlers.choice_labels import numbered_choices
from handlers.context import Dialog, Turn
from handlers.menu import show_menu
from handlers.tables import to_xlsx

NAME = "broadcasts"
MAX_TEXT = 900
ACTIONS = {"pause": "paused", "resume": "active", "cancel": "cancelled"}
# What the broadcasts' buttons carry (handlers/buttons.py).
BROADCAST_ACTION = ActionOn("bx")  # pause, resume or cancel, on a broadcast
LIBRARY = Choice("bx:lib")  # a message of the library
REGION = Choice("bx:region")  # a task-force region, or EVERYONE
WHEN = Choice("bx:when")  # now or weekly
NEW, REPORT = "bx:new", "bx:report"
EVERYONE = "all"


def _when(turn: Turn, record: BroadcastRecord) -> str:
    schedule = schedule_of(record)
    if schedule.kind == "once" and schedule.run_at is not None:
        return schedule.run_at.astimezone(ZoneInfo(record.timezone)).strftime("%d-%m-%Y %H:%M %Z")
    day = turn.t(f"broadcast_admin.day.{record.weekday}")
    return turn.t(
        "broadcast_admin.every",
        day=day,
        time=record.local_time,
        zone=regions.ZONE_ABBREVIATIONS[record.timezone],
    )


async def overview(turn: Turn) -> None:
    roles = await my_task_force_roles(turn)
    if not roles:
        turn.say(turn.t("officials.not_coordinator"))
        await show_menu(turn)
        return
    lines: list[str] = [turn.t("broadcast_admin.title")]
    rows: list[tuple[Button, ...]] = []
    mine = [
        record
        for record in (await broadcasts.listing(turn.session))[:30]
        if may_oversee(roles, record.region_code)
    ]
    # One grouped count for all of them, not one per broadcast.
    progress_of = await broadcasts.progress_of(turn.session, [record.id for record in mine])
    for record in mine:
        if len(rows) >= 8:
            continue
        progress = progress_of[record.id]
        title = _title(turn, record)
        lines.append(
            turn.t(
                "broadcast_admin.line",
                id=record.id,
                title=title,
                when=_when(turn, record),
                status=turn.t(f"broadcast_admin.status.{record.status}"),
                sent=progress.sent,
                pending=progress.pending,
                failed=progress.failed,
            )
        )
        if record.status in ("active", "paused"):
            action = "pause" if record.status == "active" else "resume"
            rows.append(
                (
                    Button(
                        f"{turn.t(f'broadcast_admin.{action}')} #{record.id}",
                        BROADCAST_ACTION.pack(action, record.id),
                    ),
                    Button(
                        f"{turn.t('broadcast_admin.cancel')} #{record.id}",
                        BROADCAST_ACTION.pack("cancel", record.id),
                    ),
                )
            )
    if len(lines) == 1:
        lines.append(turn.t("broadcast_admin.none"))
    rows.append((Button(turn.t("broadcast_admin.new"), NEW),))
    rows.append((Button(turn.t("broadcast_admin.report"), REPORT),))
    turn.say("\n".join(lines), tuple(rows))


def _title(turn: Turn, record: BroadcastRecord) -> str:
    if record.library_key:
        return turn.t(f"broadcasts.{record.library_key}.title")
    return (record.text or "")[:30]


async def on_button(turn: Turn) -> None:
    """bx:pause|resume|cancel:<id>, bx:new, and the steps of a new broadcast (bx:lib:<key>, ...)."""
    data = turn.incoming.data
    acted = BROADCAST_ACTION.read(data)
    roles = await my_task_force_roles(turn)
    if not roles:
        turn.say(turn.t("cases.not_allowed"))
        await record_refusal(turn, "refused_broadcast")
        return
    if acted is not None and acted[0] in ACTIONS:
        action, broadcast_id = acted
        record = None if broadcast_id is None else await broadcasts.get(turn.session, broadcast_id)
        if record is None or not may_oversee(roles, record.region_code):
            turn.say(turn.t("cases.not_allowed"))
            await record_refusal(turn, "refused_broadcast")
            return
        await broadcasts.set_status(turn.session, record.id, ACTIONS[action])
        turn.say(turn.t("cases.done"))
        await overview(turn)
    elif data == NEW:
        await _choose_message(turn)
    elif data == REPORT:
        await _delivery_report(turn, roles)
    elif turn.state.dialog == NAME:
        await STEPS[turn.state.step](turn)
    else:
        await overview(turn)


async def _delivery_report(turn: Turn, roles: list[RoleRecord]) -> None:
    """An XLSX of every run of the broadcasts this coordinator may manage, per channel (an
    admin's region is None: all of them). A province and one of its regencies overlap: once each."""
    found = {}
    for role in roles:
        for line in await broadcasts.delivery_report(turn.session, role.region_code):
            found[(line.due_at, line.broadcast_id, line.channel)] = line
    # Newest run first; a run's channels stay in the report's order (a stable sort).
    lines = sorted(found.values(), key=lambda line: (line.due_at, line.broadcast_id), reverse=True)
    content = to_xlsx([("deliveries", delivery_table(turn.t, lines))])
    await audit.record(
        turn.session, actor(turn), "broadcasts_exported", turn.now, detail=f"xlsx, {len(lines)} rows"
    )
    name = f"siaran-{turn.now.date().isoformat()}.xlsx"
    caption = turn.t("broadcast_admin.report_caption", count=len(lines))
    turn.replies.append(Reply(caption, document_name=name, document=content))


async def _choose_message(turn: Turn) -> None:
    keys = sorted(
        {k.split(".")[1] for k in turn.t.keys() if k.startswith("broadcasts.") and k.endswith(".title")}
    )
    rows = [(Button(turn.t(f"broadcasts.{key}.title"), LIBRARY.pack(key)),) for key in keys]
    rows.append((Button(turn.t("broadcast_admin.own_text"), "bx:own"),))
    turn.say(turn.t("broadcast_admin.choose_message"), tuple(rows))
    turn.go(NAME, "message", {})


async def on_message(turn: Turn) -> None:
    data = turn.incoming.data
    key = LIBRARY.read(data)
    if key is not None and turn.t.has(f"broadcasts.{key}.text"):
        BroadcastDraft.of(turn).library = key
        await _choose_region(turn)
    elif data == "bx:own":
        turn.say(turn.t("broadcast_admin.type_text", limit=MAX_TEXT))
    elif turn.incoming.kind == "text" and 0 < len(turn.incoming.text.strip()) <= MAX_TEXT:
        BroadcastDraft.of(turn).own_text(turn.incoming.text.strip(), turn.t.language)
        await _choose_region(turn)
    else:
        turn.say(turn.t("broadcast_admin.type_text", limit=MAX_TEXT))


async def _choose_region(turn: Turn) -> None:
    roles = await my_task_force_roles(turn)
    choices = []
    for role in roles:
        if role.role == Role.ADMIN:
            everyone = turn.t("broadcast_admin.everyone")
            choices.append((everyone, everyone, REGION.pack(EVERYONE)))
        elif role.region_code:
            found = await regions.get_region(turn.session, role.region_code)
            name = found.name if found else role.region_code
            choices.append((name, name, REGION.pack(role.region_code)))
    # A regency's name can have 39 characters, a label 20: listed in full, numbered.
    listing, rows = numbered_choices(turn.t, choices)
    turn.say(f"{turn.t('broadcast_admin.choose_region')}\n{listing}", rows)
    turn.go(NAME, "region", turn.state.data)


async def on_region(turn: Turn) -> None:
    region = REGION.read(turn.incoming.data)
    roles = await my_task_force_roles(turn)
    chosen = None if region == EVERYONE else region
    if region is None or not may_oversee(roles, chosen):
        turn.say(turn.t("cases.not_allowed"))
        if turn.incoming.kind == "button":  # a forged region; typed text is only a mistake
            await record_refusal(turn, "refused_broadcast")
        await _choose_region(turn)
        return
    BroadcastDraft.of(turn).region = chosen
    buttons = (
        (Button(turn.t("broadcast_admin.now"), WHEN.pack("now")),),
        (Button(turn.t("broadcast_admin.mondays"), WHEN.pack("weekly")),),
    )
    turn.say(turn.t("broadcast_admin.choose_when"), buttons)
    turn.go(NAME, "when", turn.state.data)


async def on_when(turn: Turn) -> None:
    draft = BroadcastDraft.of(turn)
    zone = regions.timezone_of(draft.region) if draft.region else "Asia/Jakarta"
    try:
        draft.schedule = _schedule_from(turn, zone)
    except ScheduleError:
        turn.say(turn.t("broadcast_admin.bad_when"))
        return
    await _preview(turn)


def _schedule_from(turn: Turn, zone: str) -> Schedule:
    """A button (now, Mondays 09:00) or typed: 'senin 09:00' weekly, '2026-12-01 09:00' once."""
    choice = WHEN.read(turn.incoming.data)
    if choice == "now":
        return Schedule("once", zone, run_at=turn.now)
    if choice == "weekly":
        return weekly("mon", "09:00", zone)
    words = turn.incoming.text.split()
    if len(words) == 2 and not words[0][0].isdigit():
        return weekly(words[0], words[1], zone)
    return once_at(turn.incoming.text, zone)


async def _preview(turn: Turn) -> None:
    draft = BroadcastDraft.of(turn)
    audience = await subscriptions.audience_size(turn.session, draft.region, draft.language)
    text = turn.t(f"broadcasts.{draft.library}.text") if draft.library else draft.text
    buttons = (
        (
            Button(turn.t("broadcast_admin.confirm"), "bx:confirm"),
            Button(turn.t("report.cancel"), "menu:main"),
        ),
    )
    turn.say(turn.t("broadcast_admin.preview", count=audience) + f"\n\n{text}", buttons)
    turn.go(NAME, "confirm", draft.data)


async def on_confirm(turn: Turn) -> None:
    if turn.incoming.data != "bx:confirm":
        await _preview(turn)
        return
    draft = BroadcastDraft.of(turn)
    schedule = draft.schedule
    if schedule is None:  # saved by an older version, or forged: ask when again
        await _choose_region(turn)
        return
    record = await broadcasts.create(
        turn.session,
        created_by=f"{turn.user.channel}:{turn.user.external_id}",
        region_code=draft.region,
        language=draft.language,
        library_key=draft.library,
        text=draft.text,
        schedule=schedule.kind,
        run_at=schedule.run_at,
        weekday=schedule.weekday,
        local_time=schedule.local_time,
        timezone=schedule.timezone,
        created_at=turn.now,
    )
    turn.say(turn.t("broadcast_admin.created", id=record.id, when=_when(turn, record)))
    await show_menu(turn)


async def reprompt(turn: Turn) -> None:
    await overview(turn)


STEPS = {"message": on_message, "region": on_region, "when": on_when, "confirm": on_confirm}
DIALOG = Dialog(name=NAME, steps=STEPS, reprompt=reprompt, button_prefix="")
