"""The `sigap` console command: one table of commands, each in its own module, imported only
when it runs so that `sigap --help` and `sigap check-offer` start quickly (bench/cli_start.py).

A command's module has `arguments_<key>(parser)` (its options) and `run_<key>(args, settings)`
(returns the exit code); the table below names the module and the key. Errors an operator can fix
end with `sigap: <what to do>` and exit code 2: UsageError (the command was given wrongly or names
something that is not there) and ConfigError (the set-up is wrong), as argparse does for usage."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings


@dataclass(frozen=True)
class Command:
    help: str
    module: str  # bot.cli.<module>
    key: str  # its functions: arguments_<key>, run_<key>
    log_level: int = logging.WARNING
    loads_settings: bool = True  # doctor reports a configuration that does not load instead


COMMANDS: dict[str, Command] = {
    "demo": Command("chat with Sigap in this terminal (no token, embedded database)", "demo", "demo"),
    "run": Command("run the bot on Telegram and/or WhatsApp (as configured)", "run", "run", logging.INFO),
    "doctor": Command(
        "check the set-up: what is wrong and how to fix it", "doctor", "doctor", loads_settings=False
    ),
    "check-offer": Command("check a job ad read from standard input", "check_offer", "check_offer"),
    "agencies": Command("the register of licensed placement companies (P3MI)", "reference", "agencies"),
    "migrate": Command("apply database migrations", "migrate", "migrate", logging.INFO),
    "regions": Command("Indonesian regions (Kemendagri codes)", "reference", "regions"),
    "admin": Command("roles: coordinators, admins, invites for village officials", "admin", "admin"),
    "keys": Command("encryption keys of personal fields (SIGAP_DATA_KEYS)", "privacy", "keys"),
    "audit": Command("who viewed, exported or changed which case, and when", "privacy", "audit"),
    "broadcast": Command("awareness broadcasts to subscribers", "broadcasts", "broadcast"),
    "contacts": Command(
        "each regency's task force and Disnaker contacts, shown to its users", "reference", "contacts"
    ),
    "intel": Command("recruiters' numbers, links and companies seen before", "intel", "intel"),
    "stats": Command("a region's numbers: cases, checks, red flags (anonymous)", "stats", "stats"),
    "hotlines": Command(
        "the national hotlines with their sources; warns about old or unconfirmed ones",
        "reference",
        "hotlines",
    ),
    "cases": Command("task-force cases", "cases", "cases"),
}


def config_path(given: str | None) -> Path | None:
    if given:
        return Path(given)
    from_env = os.environ.get("SIGAP_CONFIG")
    if from_env:
        return Path(from_env)
    default = Path("config.toml")
    return default if default.exists() else None


def _module(command: Command) -> Any:
    return importlib.import_module(f"bot.cli.{command.module}")


def _parser(chosen: str | None) -> argparse.ArgumentParser:
    """Every command is listed; only the chosen one's options are built (its module imported)."""
    parser = argparse.ArgumentParser(
        prog="sigap", description="Sigap: job-offer checks and TPPO early warning."
    )
    parser.add_argument("--config", help="config file (default: ./config.toml, or $SIGAP_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        sub = commands.add_parser(name, help=command.help, description=command.help)
        if name == chosen:
            getattr(_module(command), f"arguments_{command.key}")(sub)
    return parser


def _chosen(argv: list[str]) -> str | None:
    before = argparse.ArgumentParser(add_help=False)
    before.add_argument("--config")
    rest = before.parse_known_args(argv)[1]
    return rest[0] if rest and rest[0] in COMMANDS else None


def _secrets(settings: Settings) -> list[str]:
    """Values the log must never show (bot.logs masks them)."""
    return [
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(_chosen(argv)).parse_args(argv)
    command = COMMANDS[args.command]
    args.config_path = config_path(args.config)
    try:
        module = _module(command)
        run = getattr(module, f"run_{command.key}")
        if not command.loads_settings:
            return int(run(args))
        from bot.config import load_settings  # after parsing: `sigap --help` needs none of this
        from bot.logs import configure_logging

        settings = load_settings(args.config_path)
        configure_logging(command.log_level, _secrets(settings), settings.logging.format == "json")
        return int(run(args, settings))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not isinstance(exc, _refusals()):
            raise
        print(f"sigap: {exc}", file=sys.stderr)
        return 2


def _refusals() -> tuple[type[Exception], ...]:
    """What the operator can fix: usage, the set-up, bad files and content (exit code 2). Imported
    only when something went wrong: these modules are not all needed by every command."""
    from bot.cli.usage import UsageError
    from bot.config import ConfigError
    from db.agencies import RegisterError
    from db.contacts import ContactFileError
    from db.crypto import DataKeyError
    from db.regions import RegionListError
    from ground.i18n import ContentError
    from handlers.checklist.scoring import RulesError
    from handlers.offers.rules import OfferRulesError

    return (
        UsageError,
        ConfigError,
        ContentError,
        RulesError,
        OfferRulesError,
        RegionListError,
        RegisterError,
        ContactFileError,
        DataKeyError,
    )
