"""`sigap run`: the bot on Telegram and/or WhatsApp, as configured."""

from __future__ import annotations

import argparse
import asyncio

from bot.config import Settings


def arguments_run(parser: argparse.ArgumentParser) -> None:
    return None


def run_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import run_service

    asyncio.run(run_service(settings))
    return 0
