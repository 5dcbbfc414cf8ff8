"""The `sigap` console command: demo, run, migrate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bot.app import open_core, run_telegram
from bot.channels.console import ConsoleChannel
from bot.config import ConfigError, Settings, load_settings
from bot.i18n import ContentError
from bot.logs import configure_logging
from db import migrate
from db.session import create_engine
from handlers.checklist_scoring import RulesError


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
    commands.add_parser("run", help="run the bot on Telegram (polling or webhook, as configured)")
    migrate_cmd = commands.add_parser("migrate", help="apply database migrations")
    migrate_cmd.add_argument("--revision", default="head", help="target revision (default: head)")
    migrate_cmd.add_argument("--downgrade", action="store_true", help="go down to --revision instead")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(_config_path(args.config))
        secrets = [
            s.get_secret_value()
            for s in (settings.telegram_token, settings.telegram_webhook_secret, settings.database_url)
            if s is not None
        ]
        if args.command == "demo":
            configure_logging(logging.WARNING, secrets)
            if args.database:
                settings = settings.model_copy(update={"database_url": None})
                settings.database.sqlite_path = args.database
            asyncio.run(_demo(settings))
        elif args.command == "run":
            configure_logging(logging.INFO, secrets)
            asyncio.run(run_telegram(settings))
        elif args.command == "migrate":
            configure_logging(logging.INFO, secrets)
            asyncio.run(_migrate(settings, args.revision, args.downgrade))
    except (ConfigError, ContentError, RulesError) as exc:
        print(f"sigap: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


async def _demo(settings: Settings) -> None:
    core = await open_core(settings)
    try:
        banner = core.services.content.texts(core.services.content.default_language)("console.banner")
        await ConsoleChannel(core.engine, sys.stdin, sys.stdout).run(banner)
    finally:
        await core.close()


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


if __name__ == "__main__":
    raise SystemExit(main())
