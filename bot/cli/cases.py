"""`sigap cases list/show/ack/progress/close/note`: a coordinator or admin at a terminal (a task-force
meeting with a laptop and a projector) acts on cases as their own chat account.

Nothing is decided here: each command runs the chat's own handler for that account, inside one
transaction, as if they had pressed the button in the chat. Roles, regions, the audit log and the
reporter's notifications are therefore exactly the chat's."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.cli.admin import parse_account
from bot.cli.usage import UsageError
from bot.config import Settings
from db import audit, cases, queries, regions
from db.cases import OPEN_STATUSES, OUTCOMES, CaseRecord
from db.records import ConversationState
from db.regions import ZONE_ABBREVIATIONS
from ground.messages import Incoming
from handlers.access import may_oversee, my_task_force_roles
from handlers.cases import dialog as case_handlers
from handlers.context import Turn
from handlers.regions.search import RegionIndex

if TYPE_CHECKING:
    from bot.app import Core

STATUS_CHOICES = ("open", "closed", "all", *OPEN_STATUSES)


class CaseCommandRefused(UsageError):
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
        raise UsageError(f"--language must be one of {', '.join(content.languages)}, not {language!r}")
    async with core.sessions() as session, session.begin():
        user = await queries.find_user(session, channel, external_id)
        if user is None:
            raise UsageError(
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
        raise UsageError(f"no case {reference!r}: write its reference (TPPO-6112-000001) or its number")
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
        raise UsageError(f"closing needs --outcome, one of: {', '.join(OUTCOMES)}")
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
        raise UsageError("the note is empty: write it after the case, in quotes")
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
            raise UsageError(f"no region with code {wanted.region}; find it with `sigap regions search NAME`")
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


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"a number of days such as 3, not {text!r}")
    return int(text)


def arguments_cases(parser: argparse.ArgumentParser) -> None:
    """export, and list/show/ack/progress/close/note: as a coordinator's or admin's own account,
    as in the chat."""
    sub = parser.add_subparsers(dest="cases_command", required=True)
    export = sub.add_parser("export", help="write cases as CSV or XLSX (holds personal data)")
    export.add_argument("--region", help="regency (61.12) or province (61) code; default: every region")
    export.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    export.add_argument("--open-only", action="store_true", help="only cases not closed yet")
    export.add_argument("--output", required=True, help="file to write")

    def command(name: str, help_text: str, one_case: bool = True) -> argparse.ArgumentParser:
        given: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        if one_case:
            given.add_argument("case", help="reference (TPPO-6112-000001) or number")
        given.add_argument(
            "--as",
            dest="account",
            required=True,
            help="whose account acts: telegram:<user id> or whatsapp:<number> of a coordinator or admin",
        )
        given.add_argument("--language", help="id or en (default: the account's language)")
        return given

    listed = command("list", "the cases the account may see, as a table", one_case=False)
    listed.add_argument("--status", choices=STATUS_CHOICES, default="open")
    listed.add_argument("--kind", choices=cases.KINDS)
    listed.add_argument(
        "--region", help="province, regency, district or village code inside the account's region"
    )
    listed.add_argument("--older-than", type=_days, metavar="DAYS", help="reported at least DAYS ago")
    listed.add_argument("--newer-than", type=_days, metavar="DAYS", help="reported less than DAYS ago")
    command("show", "one case and its history")
    command("ack", "acknowledge (the reporter is told)")
    command("progress", "mark as being handled (the reporter is told)")
    close = command("close", "close with an outcome (the reporter is told)")
    close.add_argument("--outcome", required=True, choices=cases.OUTCOMES)
    noted = command("note", "a task-force note on the case (kept with it, not sent to the reporter)")
    noted.add_argument("text")


def run_cases(args: argparse.Namespace, settings: Settings) -> int:
    if args.cases_command == "export":
        from ground.private_files import write_private

        content, count = asyncio.run(_case_file(settings, args))
        write_private(Path(args.output), content)
        print(f"{count} case(s) written to {args.output}")
        return 0
    for line in asyncio.run(_cases(settings, args)):
        print(line)
    return 0


async def _cases(settings: Settings, args: argparse.Namespace) -> list[str]:
    from bot.cli.core import opened_core

    async with opened_core(settings) as core:
        command, account, language = args.cases_command, args.account, args.language
        if command == "list":
            wanted = CaseFilter(args.status, args.kind, args.region, args.older_than, args.newer_than)
            return await listing(core, account, wanted, language)
        if command == "show":
            return await show(core, account, args.case, language)
        if command == "note":
            return await note(core, account, args.case, args.text, language)
        return await act(core, account, args.case, command, getattr(args, "outcome", None), language)


async def _case_file(settings: Settings, args: argparse.Namespace) -> tuple[bytes, int]:
    from bot.cli.core import opened_core
    from handlers.cases.export import case_table, cases_workbook
    from handlers.tables import to_csv

    async with opened_core(settings) as core:
        async with core.sessions() as session, session.begin():
            found = await cases.cases_in_region(session, args.region, open_only=args.open_only)
            index = await core.services.regions.index(session)
            notes = await cases.notes_of(session, [case.id for case in found])
            detail = f"{args.format}, {len(found)} cases: {args.region or 'all'} -> {args.output}"
            await audit.record(session, "cli", "cases_exported", core.engine_clock(), detail=detail)
        texts = core.services.content.texts(core.services.content.default_language)
        table = case_table(texts, core.services.report_form, index, list(reversed(found)), notes)
    return (to_csv(table) if args.format == "csv" else cases_workbook(texts, table)), len(found)
