"""The `sigap` console command: demo, run, check-offer, migrate and the operators' tasks."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path

from cryptography.fernet import Fernet

from bot import admin, broadcast_admin, case_admin, doctor, intel_admin, stats_admin
from bot.app import Core, open_core, retry_policy, run_service
from bot.channels.console import ConsoleChannel
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from bot.outbox import OutboxSender
from bot.pictures import PictureReader, tesseract_status
from db import audit, cases, crypto
from db.agencies import RegisterError, load_register, read_register, replace_register
from db.contacts import ContactFileError, read_contacts, replace_contacts
from db.regions import RegionListError, active_regions, import_regions, read_region_file, shipped_list
from db.roles import Role
from db.session import create_engine
from ground.i18n import Content, ContentError, default_content_dir
from ground.private_files import write_private
from handlers.cases.export import case_table, cases_workbook
from handlers.checklist.scoring import RulesError
from handlers.hotlines import national as hotlines
from handlers.offers import report as offer_report
from handlers.offers.analysis import analyse
from handlers.offers.picture import first_lines
from handlers.offers.rules import OfferRulesError
from handlers.regions.levels import LEVELS, find_regions
from handlers.regions.search import QueryTooLong, RegionIndex
from handlers.seen_before import calo
from handlers.seen_before import sightings as seen_before
from handlers.tables import to_csv
from migrations import runner as migrate


def _config_path(given: str | None) -> Path | None:
    if given:
        return Path(given)
    from_env = os.environ.get("SIGAP_CONFIG")
    if from_env:
        return Path(from_env)
    default = Path("config.toml")
    return default if default.exists() else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sigap", description="Sigap: job-offer checks and TPPO early warning."
    )
    parser.add_argument("--config", help="config file (default: ./config.toml, or $SIGAP_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="chat with Sigap in this terminal (no token, embedded database)")
    demo.add_argument("--database", help="SQLite file for the demo (default: sqlite_path from the config)")
    commands.add_parser("run", help="run the bot on Telegram and/or WhatsApp (as configured)")
    doctor_cmd = commands.add_parser("doctor", help="check the set-up: what is wrong and how to fix it")
    doctor_cmd.add_argument(
        "--public-url",
        help="https://YOUR-HOST, to check the webhooks through the proxy "
        "(default: the host of telegram.webhook_url)",
    )
    doctor_cmd.add_argument(
        "--timeout", type=float, default=doctor.DOCTOR_TIMEOUT, help="seconds per network check"
    )
    check_offer = commands.add_parser("check-offer", help="check a job ad read from standard input")
    check_offer.add_argument("--image", metavar="FILE", help="read the ad from a picture (JPEG, PNG, WEBP)")
    check_offer.add_argument("--json", action="store_true", help="print the analysis as JSON")
    check_offer.add_argument("--language", default=None, help="language of the explanations (id, en)")
    agencies_cmd = commands.add_parser("agencies", help="the register of licensed placement companies (P3MI)")
    agencies_sub = agencies_cmd.add_subparsers(dest="agencies_command", required=True)
    agencies_import = agencies_sub.add_parser(
        "import", help="replace our copy with a CSV export of the register"
    )
    agencies_import.add_argument(
        "file", help="CSV with a 'Nama P3MI' column (licence, address, status optional)"
    )
    agencies_import.add_argument("--as-of", help="date of the export, YYYY-MM-DD (default: today)")
    migrate_cmd = commands.add_parser("migrate", help="apply database migrations")
    migrate_cmd.add_argument("--revision", default="head", help="target revision (default: head)")
    migrate_cmd.add_argument("--downgrade", action="store_true", help="go down to --revision instead")
    regions = commands.add_parser("regions", help="Indonesian regions (Kemendagri codes)")
    region_commands = regions.add_subparsers(dest="regions_command", required=True)
    region_import = region_commands.add_parser("import", help="load or refresh the list (idempotent)")
    region_import.add_argument(
        "file", nargs="?", help="kode,nama CSV (.csv or .csv.gz); default: the shipped list"
    )
    region_search = region_commands.add_parser(
        "search", help="find a region's code by name (villages as users find them)"
    )
    region_search.add_argument("query", help="e.g. 'kubu raya', 'sungai kakap' or 'kakap, kubu raya'")
    region_search.add_argument(
        "--level", choices=list(LEVELS), help="only this level (default: every level, villages last)"
    )
    _admin_parser(commands)
    _broadcast_parser(commands)
    _contacts_parser(commands)
    _intel_parser(commands)
    stats = commands.add_parser("stats", help="a region's numbers: cases, checks, red flags (anonymous)")
    stats.add_argument("--region", help="regency (61.12) or province (61) code; default: the whole country")
    stats.add_argument("--days", type=int, default=7, help="how many days, up to --until (default: 7)")
    stats.add_argument("--until", help="last day, YYYY-MM-DD (default: today in the region's zone)")
    stats.add_argument("--language", help="id or en (default: the configured default)")
    stats.add_argument(
        "--html", metavar="FILE", help="also write a self-contained HTML report with the chart"
    )
    stats.add_argument("--xlsx", metavar="FILE", help="also write the numbers as an XLSX workbook")
    hotlines_cmd = commands.add_parser(
        "hotlines", help="the national hotlines with their sources; warns about old or unconfirmed ones"
    )
    hotlines_cmd.add_argument("--language", help="id or en (default: the configured default)")
    hotlines_cmd.add_argument("--strict", action="store_true", help="exit with 1 when there is a warning")
    cases_cmd = commands.add_parser("cases", help="task-force cases")
    case_commands = cases_cmd.add_subparsers(dest="cases_command", required=True)
    export = case_commands.add_parser("export", help="write cases as CSV or XLSX (holds personal data)")
    export.add_argument("--region", help="regency (61.12) or province (61) code; default: every region")
    export.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    export.add_argument("--open-only", action="store_true", help="only cases not closed yet")
    export.add_argument("--output", required=True, help="file to write")
    _case_commands(case_commands)
    return parser


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"a number of days such as 3, not {text!r}")
    return int(text)


def _case_commands(case_commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """list/show/ack/progress/close/note: as a coordinator's or admin's own account, as in the chat."""

    def command(name: str, help_text: str, one_case: bool = True) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = case_commands.add_parser(name, help=help_text)
        if one_case:
            sub.add_argument("case", help="reference (TPPO-6112-000001) or number")
        sub.add_argument(
            "--as",
            dest="account",
            required=True,
            help="whose account acts: telegram:<user id> or whatsapp:<number> of a coordinator or admin",
        )
        sub.add_argument("--language", help="id or en (default: the account's language)")
        return sub

    listing = command("list", "the cases the account may see, as a table", one_case=False)
    listing.add_argument("--status", choices=case_admin.STATUS_CHOICES, default="open")
    listing.add_argument("--kind", choices=cases.KINDS)
    listing.add_argument(
        "--region", help="province, regency, district or village code inside the account's region"
    )
    listing.add_argument("--older-than", type=_days, metavar="DAYS", help="reported at least DAYS ago")
    listing.add_argument("--newer-than", type=_days, metavar="DAYS", help="reported less than DAYS ago")
    command("show", "one case and its history")
    command("ack", "acknowledge (the reporter is told)")
    command("progress", "mark as being handled (the reporter is told)")
    close = command("close", "close with an outcome (the reporter is told)")
    close.add_argument("--outcome", required=True, choices=cases.OUTCOMES)
    note = command("note", "a task-force note on the case (kept with it, not sent to the reporter)")
    note.add_argument("text")


def _broadcast_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    broadcast = commands.add_parser("broadcast", help="awareness broadcasts to subscribers")
    sub = broadcast.add_subparsers(dest="broadcast_command", required=True)
    create = sub.add_parser("create", help="a one-off or weekly broadcast (times in the region's zone)")
    audience = create.add_mutually_exclusive_group(required=True)
    audience.add_argument("--region", help="region code (61.12 regency, 61 province, a district or village)")
    audience.add_argument("--everyone", action="store_true", help="every subscriber in the country")
    create.add_argument("--force", action="store_true", help="create it even if nobody would receive it now")
    create.add_argument(
        "--library", help="a message from content/<lang>/broadcasts.toml (each subscriber's language)"
    )
    create.add_argument("--text", help="your own text (then --language)")
    create.add_argument("--language", help="id or en, for --text")
    when = create.add_mutually_exclusive_group(required=True)
    when.add_argument("--at", help="once: 'YYYY-MM-DD HH:MM' local time")
    when.add_argument("--weekly", nargs=2, metavar=("DAY", "HH:MM"), help="every week, e.g. mon 09:00")
    library = sub.add_parser("library", help="the library's messages (for --library)")
    library.add_argument("--language", help="id or en (default: the configured default)")
    listing = sub.add_parser("list", help="broadcasts with their progress")
    listing.add_argument("--region")
    for name in ("pause", "resume", "cancel", "send"):
        command = sub.add_parser(
            name, help={"send": "fire now and deliver, with a progress bar"}.get(name, name)
        )
        command.add_argument("id", type=int)
    status = sub.add_parser("status", help="sent / pending / failed (same as list)")
    status.add_argument("--region")
    report = sub.add_parser("report", help="delivery report per run and channel, as CSV or XLSX")
    report.add_argument("--region", help="broadcasts aimed at this region or inside it; default: all")
    report.add_argument("--output", required=True, help="file to write: .csv or .xlsx")


def _contacts_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    contacts_cmd = commands.add_parser(
        "contacts", help="each regency's task force and Disnaker contacts, shown to its users"
    )
    sub = contacts_cmd.add_subparsers(dest="contacts_command", required=True)
    load = sub.add_parser("import", help="load a CSV; replaces the contacts of the regencies it names")
    load.add_argument(
        "file", help="CSV: regency_code,office,phone,whatsapp,hours,source,as_of (docs/samples/contacts.csv)"
    )


def _intel_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    intel = commands.add_parser("intel", help="recruiters' numbers, links and companies seen before")
    sub = intel.add_subparsers(dest="intel_command", required=True)
    for name, what in (("list", "the identifiers seen most"), ("export", "the same as CSV")):
        command = sub.add_parser(name, help=what)
        command.add_argument("--region", help="regency (61.12) or province (61) code; default: everywhere")
        command.add_argument("--days", type=int, default=calo.DAYS, help=f"default {calo.DAYS}")
        command.add_argument("--limit", type=int, default=50, help="rows (default 50)")
        if name == "export":
            command.add_argument("--output", required=True, help="CSV file to write")
    mark = sub.add_parser("mark", help="the task force's finding: confirmed, cleared, or none")
    mark.add_argument("mark", choices=["confirmed", "cleared", "none"])
    mark.add_argument("identifier", help="a number, link, @account, company, or a listed #code")


def _admin_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    admin = commands.add_parser("admin", help="roles: coordinators, admins, invites for village officials")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    grant = admin_commands.add_parser("grant", help="make someone a coordinator or an admin")
    grant.add_argument("role", choices=["coordinator", "admin"])
    grant.add_argument(
        "account",
        help="telegram:<user id> (they send /start to @userinfobot), whatsapp:+<country code><number>, "
        "or console:demo (the user of `sigap demo`)",
    )
    grant.add_argument("--region", help="coordinator: regency/city code (61.12) or province code (61)")
    revoke = admin_commands.add_parser("revoke", help="take roles away")
    revoke.add_argument("account")
    revoke.add_argument("--role", choices=["official", "coordinator", "admin"], help="only this role")
    invite = admin_commands.add_parser("invite", help="one-time invite code for a village official")
    invite.add_argument("--village", required=True, help="village code, e.g. 61.12.09.2001")
    invite.add_argument("--hours", type=int, default=72, help="valid for (default 72)")
    admin_commands.add_parser("list", help="who holds which role where")
    keys_cmd = commands.add_parser("keys", help="encryption keys of personal fields (SIGAP_DATA_KEYS)")
    keys_sub = keys_cmd.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("new", help="print a new key to put first in SIGAP_DATA_KEYS")
    keys_sub.add_parser("rotate", help="re-encrypt every personal field with the first key")
    audit_cmd = commands.add_parser("audit", help="who viewed, exported or changed which case, and when")
    audit_cmd.add_argument("--case", help="only this case (reference, e.g. TPPO-6112-000001, or id)")
    audit_cmd.add_argument("--limit", type=int, default=100, help="newest entries to show (default 100)")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "doctor":  # reports a configuration that does not load instead of stopping
        return doctor.main(_config_path(args.config), args.public_url, args.timeout)
    try:
        settings = load_settings(_config_path(args.config))
        secrets = [
            s.get_secret_value()
            for s in (
                settings.telegram_token,
                settings.telegram_webhook_secret,
                settings.whatsapp_token,
                settings.whatsapp_app_secret,
                settings.whatsapp_verify_token,
                settings.data_keys,
                settings.seen_keys,
                settings.database_url,
            )
            if s is not None
        ]
        json_lines = settings.logging.format == "json"
        if args.command == "demo":
            configure_logging(logging.WARNING, secrets, json_lines)
            if args.database:
                settings = settings.model_copy(update={"database_url": None})
                settings.database.sqlite_path = args.database
            asyncio.run(_demo(settings))
        elif args.command == "run":
            configure_logging(logging.INFO, secrets, json_lines)
            asyncio.run(run_service(settings))
        elif args.command == "check-offer":
            configure_logging(logging.WARNING, secrets, json_lines)
            if args.image:
                picture = Path(args.image)
                text = asyncio.run(_read_picture(settings, _picture_bytes(settings, picture), picture))
                read = True
            else:
                text, read = sys.stdin.read(), False
            if not text.strip():
                print(
                    "sigap: check-offer: no ad to check: pipe or paste the ad's text on standard input",
                    file=sys.stderr,
                )
                return 2
            print(asyncio.run(_check_offer(settings, text, args.json, args.language, from_picture=read)))
        elif args.command == "keys":
            configure_logging(logging.WARNING, secrets, json_lines)
            print(
                Fernet.generate_key().decode()
                if args.keys_command == "new"
                else asyncio.run(_rotate(settings))
            )
        elif args.command == "audit":
            configure_logging(logging.WARNING, secrets, json_lines)
            for line in asyncio.run(_audit(settings, args.case, args.limit)):
                print(line)
        elif args.command == "agencies":
            configure_logging(logging.WARNING, secrets, json_lines)
            print(asyncio.run(_import_agencies(settings, Path(args.file), args.as_of)))
        elif args.command == "migrate":
            configure_logging(logging.INFO, secrets, json_lines)
            asyncio.run(_migrate(settings, args.revision, args.downgrade))
        elif args.command == "admin":
            configure_logging(logging.WARNING, secrets, json_lines)
            for line in asyncio.run(_admin(settings, args)):
                print(line)
        elif args.command == "broadcast":
            configure_logging(logging.WARNING, secrets, json_lines)
            for line in asyncio.run(_broadcast(settings, args)):
                print(line)
        elif args.command == "stats":
            configure_logging(logging.WARNING, secrets, json_lines)
            text, files = asyncio.run(_stats(settings, args))
            print(text)
            for path, data in files.items():
                write_private(Path(path), data)
                print(f"written: {path}")
        elif args.command == "cases":
            configure_logging(logging.WARNING, secrets, json_lines)
            if args.cases_command == "export":
                print(_export_cases(settings, args))
            else:
                for line in asyncio.run(_cases(settings, args)):
                    print(line)
        elif args.command == "contacts":
            configure_logging(logging.WARNING, secrets, json_lines)
            print(asyncio.run(_import_contacts(settings, Path(args.file))))
        elif args.command == "intel":
            configure_logging(logging.WARNING, secrets, json_lines)
            print(asyncio.run(_intel(settings, args)))
        elif args.command == "hotlines":
            return _hotlines(settings, args.language, args.strict)
        elif args.command == "regions":
            configure_logging(logging.WARNING, secrets, json_lines)
            if args.regions_command == "import":
                asyncio.run(_import_regions(settings, Path(args.file) if args.file else shipped_list()))
            else:
                asyncio.run(_search_regions(settings, args.query, args.level))
    except (
        ConfigError,
        ContentError,
        RulesError,
        OfferRulesError,
        RegionListError,
        RegisterError,
        ContactFileError,
        crypto.DataKeyError,
    ) as exc:
        print(f"sigap: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def _hotlines(settings: Settings, language: str | None, strict: bool) -> int:
    """`sigap hotlines`: what users are shown and where it comes from, and what to re-check."""
    content = Content.load(default_content_dir(), settings.conversation.default_language)
    max_age = settings.hotlines.max_age_days
    lines, warnings = hotlines.listing(content, language or content.default_language, date.today(), max_age)
    print("\n".join(lines))
    print(
        f"\n{len(warnings)} warning(s) ([hotlines] max_age_days = {max_age}):"
        if warnings
        else "\nno warnings"
    )
    for warning in warnings:
        print(f"  ! {warning}")
    return 1 if warnings and strict else 0


def _picture_bytes(settings: Settings, path: Path) -> bytes:
    status = tesseract_status(settings.ocr)
    if not status.ready:
        raise ConfigError(f"pictures cannot be read here: {status.detail}; install: {status.fix}")
    try:
        if path.stat().st_size > settings.ocr.max_bytes:
            raise ConfigError(
                f"{path}: the picture was not read (over ocr.max_bytes, {settings.ocr.max_bytes})"
            )
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


async def _read_picture(settings: Settings, data: bytes, path: Path) -> str:
    """`sigap check-offer --image`: the picture's text, read as in the chat (worker, limits)."""
    reader = PictureReader(settings.ocr)
    try:
        reading = await reader.read_bytes(data)
    finally:
        await reader.close()
    if reading.problem:
        raise ConfigError(f"{path}: the picture was not read ({reading.problem.replace('_', ' ')})")
    return reading.text


async def _check_offer(
    settings: Settings, text: str, as_json: bool, language: str | None, from_picture: bool = False
) -> str:
    """`sigap check-offer`: the chat's analysis, with the companies looked up in the register.
    With from_picture, the text was read from a picture: JSON adds it as "ocr_text", the text
    output starts with its first lines as the chat does."""
    core = await open_core(settings)
    try:
        content = core.services.content
        t = content.texts(language or content.default_language)
        async with core.sessions() as session:
            register = await load_register(session)
            checked = await seen_before.check(
                session, core.services.seen_keys, text, analyse(text, core.services.offers, register)
            )
        analysis = checked.analysis
    finally:
        await core.close()
    if as_json:
        result = offer_report.as_json(t, analysis) | {
            "register": offer_report.register_json(analysis.register),
            "seen_before": seen_before.as_json(checked),
        }
        if from_picture:
            result["ocr_text"] = text
        return json.dumps(result, ensure_ascii=False, indent=2)
    header = [t("pictures.read", lines=first_lines(text)), ""] if from_picture else []
    register_lines = offer_report.register_lines(t, analysis.register)
    seen = seen_before.lines(t, checked, exact=True)
    return "\n".join([*header, offer_report.chat_text(t, analysis), *seen, "", *register_lines])


async def _intel(settings: Settings, args: argparse.Namespace) -> str:
    core = await open_core(settings)
    try:
        if args.intel_command == "mark":
            return await intel_admin.mark(core, args.mark, args.identifier)
        if args.intel_command == "list":
            return "\n".join(await intel_admin.listing(core, args.region, args.days, args.limit))
        content, rows = await intel_admin.export(core, args.region, args.days, args.limit)
    finally:
        await core.close()
    write_private(Path(args.output), content)
    return f"{rows} row(s) written to {args.output}"


async def _import_agencies(settings: Settings, path: Path, as_of: str | None) -> str:
    rows = read_register(path)  # a bad file is refused before anything is written
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError as exc:
        raise ConfigError(f"--as-of must be a date like 2026-11-01, not {as_of!r}") from exc
    core = await open_core(settings)
    try:
        async with core.sessions() as session, session.begin():
            count = await replace_register(session, rows, day)
    finally:
        await core.close()
    return f"{count} licensed placement companies loaded (register as of {day:%Y-%m-%d})"


async def _import_contacts(settings: Settings, path: Path) -> str:
    rows = read_contacts(path, date.today())  # a bad file is refused before anything is written
    core = await open_core(settings)
    try:
        async with core.sessions() as session, session.begin():
            counts = await replace_contacts(session, rows)
            detail = f"{path.name}: " + ", ".join(f"{code} {n}" for code, n in counts.items())
            await audit.record(session, "cli", "contacts_imported", core.engine_clock(), detail=detail)
    finally:
        await core.close()
    return f"{len(rows)} contact(s) loaded for {len(counts)} regency(ies): " + ", ".join(
        f"{code} ({n})" for code, n in counts.items()
    )


async def _demo(settings: Settings) -> None:
    core = await open_core(settings)
    try:
        banner = core.services.content.texts(core.services.content.default_language)("console.banner")
        channel = ConsoleChannel(core.engine, sys.stdin, sys.stdout, max_picture_bytes=settings.ocr.max_bytes)
        sender = demo_sender(core, channel)
        sender.start()
        try:
            await channel.run(banner)
        finally:
            await sender.stop()
    finally:
        await core.close()


def demo_sender(core: Core, console: ConsoleChannel) -> OutboxSender:
    """What the outbox holds for the demo's user (a broadcast, a case forwarded to a demo
    coordinator, a reporter's update) appears in the terminal as it would arrive on a phone."""
    sender = OutboxSender(
        core.sessions,
        {console.name: console},
        retry_policy(core.settings),
        core.engine_clock,
        per_chat_interval=0,
    )
    core.engine.on_queued(sender.wake)
    return sender


async def _migrate(settings: Settings, revision: str, down: bool) -> None:
    engine = create_engine(settings.database_url_value())
    try:
        if down:
            await migrate.downgrade(engine, revision)
        else:
            await migrate.upgrade(engine, revision)
        print(f"database at revision {await migrate.current_revision(engine)}")
    finally:
        await engine.dispose()


async def _broadcast(settings: Settings, args: argparse.Namespace) -> list[str]:
    core = await open_core(settings)
    try:
        command = args.broadcast_command
        if command == "create":
            return [
                await broadcast_admin.create(
                    core,
                    args.region,
                    args.library,
                    args.text,
                    args.language,
                    args.at,
                    args.weekly,
                    everyone=args.everyone,
                    force=args.force,
                )
            ]
        if command == "library":
            return broadcast_admin.library(core, args.language)
        if command in ("list", "status"):
            return await broadcast_admin.listing(core, args.region)
        if command == "send":
            return [await broadcast_admin.send_now(core, args.id)]
        if command == "report":
            content, rows = await broadcast_admin.delivery_file(core, args.region, args.output)
            await asyncio.to_thread(write_private, Path(args.output), content)
            return [f"{rows} row(s) written to {args.output}"]
        status = {"pause": "paused", "resume": "active", "cancel": "cancelled"}[command]
        return [await broadcast_admin.set_status(core, args.id, status)]
    finally:
        await core.close()


async def _admin(settings: Settings, args: argparse.Namespace) -> list[str]:
    core = await open_core(settings)
    try:
        if args.admin_command == "grant":
            return [await admin.grant(core, Role(args.role), args.account, args.region)]
        if args.admin_command == "revoke":
            return [await admin.revoke(core, args.account, Role(args.role) if args.role else None)]
        if args.admin_command == "invite":
            return [await admin.invite(core, args.village, args.hours)]
        return await admin.listing(core) or ["nobody holds a role yet"]
    finally:
        await core.close()


async def _stats(settings: Settings, args: argparse.Namespace) -> tuple[str, dict[str, bytes]]:
    core = await open_core(settings)
    try:
        return await stats_admin.report(
            core, args.region, args.days, args.until, args.language, args.html, args.xlsx
        )
    finally:
        await core.close()


async def _rotate(settings: Settings) -> str:
    core = await open_core(settings)
    try:
        async with core.sessions() as session, session.begin():
            counts = await crypto.rotate_all(session)
            await audit.record(session, "cli", "keys_rotated", core.engine_clock(), detail=str(counts))
    finally:
        await core.close()
    return ", ".join(f"{n} {table}" for table, n in counts.items()) + " encrypted with the first key"


async def _audit(settings: Settings, case: str | None, limit: int) -> list[str]:
    core = await open_core(settings)
    try:
        async with core.sessions() as session:
            case_id = None
            if case is not None:
                found = await cases.find_case(session, case)
                if found is None:
                    raise ConfigError(f"no case {case}")
                case_id = found.id
            entries = await audit.entries(session, case_id, limit)
    finally:
        await core.close()
    return [
        f"{e.at:%Y-%m-%d %H:%M:%S} UTC  {e.actor:<24} {e.action:<22} "
        f"{f'case {e.case_id}' if e.case_id is not None else '':<10} {e.detail or ''}".rstrip()
        for e in entries
    ] or ["the audit log is empty"]


async def _cases(settings: Settings, args: argparse.Namespace) -> list[str]:
    core = await open_core(settings)
    try:
        command, account, language = args.cases_command, args.account, args.language
        if command == "list":
            wanted = case_admin.CaseFilter(
                args.status, args.kind, args.region, args.older_than, args.newer_than
            )
            return await case_admin.listing(core, account, wanted, language)
        if command == "show":
            return await case_admin.show(core, account, args.case, language)
        if command == "note":
            return await case_admin.note(core, account, args.case, args.text, language)
        return await case_admin.act(
            core, account, args.case, command, getattr(args, "outcome", None), language
        )
    finally:
        await core.close()


def _export_cases(settings: Settings, args: argparse.Namespace) -> str:
    content, count = asyncio.run(_case_file(settings, args))
    write_private(Path(args.output), content)
    return f"{count} case(s) written to {args.output}"


async def _case_file(settings: Settings, args: argparse.Namespace) -> tuple[bytes, int]:
    core = await open_core(settings)
    try:
        async with core.sessions() as session, session.begin():
            found = await cases.cases_in_region(session, args.region, open_only=args.open_only)
            index = await core.services.regions.index(session)
            notes = await cases.notes_of(session, [case.id for case in found])
            detail = f"{args.format}, {len(found)} cases: {args.region or 'all'} -> {args.output}"
            await audit.record(session, "cli", "cases_exported", core.engine_clock(), detail=detail)
        texts = core.services.content.texts(core.services.content.default_language)
        table = case_table(texts, core.services.report_form, index, list(reversed(found)), notes)
    finally:
        await core.close()
    return (to_csv(table) if args.format == "csv" else cases_workbook(texts, table)), len(found)


async def _import_regions(settings: Settings, path: Path) -> None:
    rows = read_region_file(path)  # a bad file is refused before anything is written
    core = await open_core(settings)
    try:
        async with core.sessions() as session, session.begin():
            report = await import_regions(session, rows)
    finally:
        await core.close()
    print(f"{path.name}: {report.read} regions read, {report.added} new, {report.retired} no longer listed")


async def _search_regions(settings: Settings, query: str, level: str | None) -> None:
    core = await open_core(settings)
    try:
        async with core.sessions() as session:
            rows = await active_regions(session)
    finally:
        await core.close()
    if not rows:
        print("no regions loaded yet: run `sigap regions import` first")
        return
    try:
        lines = [
            found.line
            for number in ([LEVELS[level]] if level else [1, 2, 3])
            if number < LEVELS["village"]
            for found in find_regions(rows, query, number, limit=10 if level else 3)
        ]
        if level in (None, "village"):
            lines += [
                f"{place.code:<14} {'village':<9} {place.label}, {place.province} ({place.zone})"
                for place in RegionIndex(rows).search(query, limit=10)
            ]
    except QueryTooLong as exc:
        raise ConfigError(f"that is not a region's name ({exc})") from exc
    print("\n".join(lines) if lines else f"no {level or 'region'} found for {query!r}")


if __name__ == "__main__":
    raise SystemExit(main())
