"""`sigap cases list/show/ack/progress/close/note`: a coordinator or admin at a terminal (a task-force
meeting with a laptop and a projector) acts on cases as their own chat account.

Nothing is decided here: each command runs the chat's own handler for that account, inside one
transaction, as if they had pressed the button in the chat. Roles, regions, the audit log and the
reporter's notifications are therefore exactly the chat's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.admin import parse_account
from bot.app import Core
from bot.config import ConfigError
from db import audit, cases, queries, regions
from db.cases import OPEN_STATUSES, OUTCOMES, CaseRecord
from db.records import ConversationState
from db.regions import ZONE_ABBREVIATIONS
from ground.messages import Incoming
from handlers.access import may_oversee, my_task_force_roles
from handlers.cases import dialog as case_handlers
from handlers.context import Turn
from handlers.regions.search import RegionIndex

STATUS_CHOICES = ("open", "closed", "all", *OPEN_STATUSES)


class CaseCommandRefused(ConfigError):
    """The account may not do that (the refusal is in the audit log, as in the chat)."""


@dataclass(frozen=True)
class CaseFilter:
    status: str = "open"  # "open", "closed", "all" or one status
    kind: str | None = None
    region: str | None = None  # province, regency, district or village code
    older_than_days: int | None = None
    newer_than_days: int | None = None

    def keeps(self, case: CaseRecord, now: datetime) -> bool:
        age = now - case.created_at
        return (
            (
                self.status == "all"
                or (self.status == "open" and case.status in OPEN_STATUSES)
                or case.status == self.status
            )
            and (self.kind is None or case.kind == self.kind)
            and (
                self.region is None
                or case.village_code == self.region
                or case.village_code.startswith(self.region + ".")
            )
            and (self.older_than_days is None or age >= timedelta(days=self.older_than_days))
            and (self.newer_than_days is None or age < timedelta(days=self.newer_than_days))
        )


Action = Callable[[Turn], Awaitable[None]]


async def _as_account(core: Core, account: str, language: str | None, data: str, action: Action) -> Turn:
    """Runs a chat step for the account, as a press of the button `data`, and commits it."""
    channel, external_id = parse_account(account)
    content = core.services.content
    if language is not None and language not in content.languages:
        raise ConfigError(f"--language must be one of {', '.join(content.languages)}, not {language!r}")
    async with core.sessions() as session, session.begin():
        user = await queries.find_user(session, channel, external_id)
        if user is None:
            raise ConfigError(
                f"{account} has never used Sigap: act as the account of a coordinator or an admin "
                "(`sigap admin list` shows them)"
            )
        turn = Turn(
            incoming=Incoming(channel, external_id, user.chat_id, "button", data=data),
            user=user,
            state=ConversationState(),
            t=content.texts(language or user.language),
            session=session,
            now=core.engine_clock(),
            services=core.services,
        )
        await action(turn)
    return turn


def _said(turn: Turn) -> list[str]:
    return [reply.text for reply in turn.replies if reply.text and not reply.photo]


def _refusal(turn: Turn, key: str) -> bool:
    return any(text.startswith(turn.t(key)) for text in _said(turn))


def _refused_if(turn: Turn, key: str) -> None:
    """The chat answered with a refusal: say it as the command's error (it is already audited)."""
    if _refusal(turn, key):
        raise CaseCommandRefused(f"{turn.user.channel}:{turn.user.external_id}: {turn.t(key)}")


async def _case_number(core: Core, reference: str) -> int:
    async with core.sessions() as session:
        found = await cases.find_case(session, reference)
    if found is None:
        raise ConfigError(f"no case {reference!r}: write its reference (TPPO-6112-000001) or its number")
    return found.id


async def show(core: Core, account: str, reference: str, language: str | None) -> list[str]:
    """The case as the chat shows it, then its history (notes included)."""
    number = await _case_number(core, reference)

    async def view(turn: Turn) -> None:
        await case_handlers.on_coordinator_button(turn)
        if not _refusal(turn, "cases.not_allowed"):
            events.extend(await cases.history(turn.session, number))

    events: list[cases.EventRecord] = []
    turn = await _as_account(core, account, language, f"cs:view:{number}", view)
    _refused_if(turn, "cases.not_allowed")
    lines = [*_said(turn), "", "history:"]
    for event in events:
        note = f": {event.note}" if event.note else ""
        lines.append(f"  {event.at:%Y-%m-%d %H:%M} UTC  {event.action}{note}")
    return lines


async def act(
    core: Core, account: str, reference: str, action: str, outcome: str | None, language: str | None
) -> list[str]:
    """ack, progress or close (with an outcome): the chat's buttons cs:ack, cs:prog, cs:out."""
    if action == "close" and outcome not in OUTCOMES:
        raise ConfigError(f"closing needs --outcome, one of: {', '.join(OUTCOMES)}")
    number = await _case_number(core, reference)
    data = {"ack": f"cs:ack:{number}", "progress": f"cs:prog:{number}"}.get(
        action, f"cs:out:{number}:{outcome}"
    )
    turn = await _as_account(core, account, language, data, case_handlers.on_coordinator_button)
    _refused_if(turn, "cases.not_allowed")
    _refused_if(turn, "cases.already_closed")
    told = ["(the reporter is told through Sigap)"] if turn.queued_messages else []
    return [*_said(turn), *told]


async def note(core: Core, account: str, reference: str, text: str, language: str | None) -> list[str]:
    if not text.strip():
        raise ConfigError("the note is empty: write it after the case, in quotes")
    number = await _case_number(core, reference)

    async def add(turn: Turn) -> None:
        await case_handlers.add_note(turn, number, text)

    turn = await _as_account(core, account, language, f"cli:note:{number}", add)
    _refused_if(turn, "cases.not_allowed")
    return _said(turn)


async def listing(core: Core, account: str, wanted: CaseFilter, language: str | None) -> list[str]:
    """The cases the account may see that pass the filter, oldest first, as a table."""
    found: list[CaseRecord] = []
    index: RegionIndex | None = None
    refused = ""

    async def gather(turn: Turn) -> None:
        nonlocal index, refused
        roles = await my_task_force_roles(turn)
        if wanted.region is not None and await regions.get_region(turn.session, wanted.region) is None:
            raise ConfigError(
                f"no region with code {wanted.region}; find it with `sigap regions search NAME`"
            )
        if not roles:
            refused = f"{account} is not a coordinator or an admin"
        elif wanted.region is not None and not may_oversee(roles, wanted.region):
            mine = ", ".join(r.region_code or "everywhere" for r in roles)
            refused = f"{account} may see the cases of {mine} only, not of {wanted.region}"
        if refused:
            await case_handlers.record_refusal(turn, "refused_cases_list")
            return
        regions_of_roles = [r.region_code for r in roles]
        every = await case_handlers.cases_of_regions(
            turn, regions_of_roles, open_only=wanted.status in ("open", *OPEN_STATUSES)
        )
        found.extend(c for c in every if wanted.keeps(c, turn.now))
        index = await turn.services.regions.index(turn.session)
        listed = ", ".join(c.reference for c in found)
        await audit.record(
            turn.session, case_handlers.actor(turn), "cases_listed", turn.now, detail=listed or "none"
        )

    turn = await _as_account(core, account, language, "cli:cases:list", gather)
    if refused:
        raise CaseCommandRefused(refused)
    assert index is not None
    return case_rows(turn, index, found)


def case_rows(turn: Turn, index: RegionIndex, found: list[CaseRecord]) -> list[str]:
    if not found:
        return ["no cases match"]
    t = turn.t
    header = ("REFERENCE", "KIND", "STATUS", "VILLAGE", "REPORTED", "AGE", "ACK")
    rows = []
    for case in found:
        place = index.get(case.village_code)
        village = f"{place.name}, {place.district}" if place else case.village_code
        age = turn.now - case.created_at
        overdue = case.status == "received" and case.ack_deadline <= turn.now
        rows.append(
            (
                case.reference,
                t(f"report.kind.{case.kind}"),
                case.status + (f" ({case.outcome})" if case.outcome else ""),
                village[:40],
                _local(case.created_at, place.timezone if place else "Asia/Jakarta"),
                f"{age.days}d {age.seconds // 3600}h",
                "OVERDUE" if overdue else ("-" if case.acknowledged_at is None else "yes"),
            )
        )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    lines.append(f"{len(found)} case(s), oldest first; `sigap cases show REFERENCE --as ...` for one.")
    return lines


def _local(moment: datetime, zone: str) -> str:
    """A time as the village reads it: 2026-11-23 10:00 WIB."""
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {ZONE_ABBREVIATIONS.get(zone, zone)}"
