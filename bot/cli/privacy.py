"""`sigap keys` (the encryption keys of personal fields) and `sigap audit` (who saw what)."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.usage import UsageError
from bot.config import Settings


def arguments_keys(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="keys_command", required=True)
    sub.add_parser("new", help="print a new key to put first in SIGAP_DATA_KEYS")
    sub.add_parser("rotate", help="re-encrypt every personal field with the first key")


def run_keys(args: argparse.Namespace, settings: Settings) -> int:
    if args.keys_command == "new":
        from cryptography.fernet import Fernet

        print(Fernet.generate_key().decode())
    else:
        print(asyncio.run(_rotate(settings)))
    return 0


async def _rotate(settings: Settings) -> str:
    from bot.cli.core import opened_core
    from db import audit, crypto

    async with opened_core(settings) as core, core.sessions() as session, session.begin():
        counts = await crypto.rotate_all(session)
        await audit.record(session, "cli", "keys_rotated", core.engine_clock(), detail=str(counts))
    return ", ".join(f"{n} {table}" for table, n in counts.items()) + " encrypted with the first key"


def arguments_audit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--case", help="only this case (reference, e.g. TPPO-6112-000001, or id)")
    parser.add_argument("--limit", type=int, default=100, help="newest entries to show (default 100)")


def run_audit(args: argparse.Namespace, settings: Settings) -> int:
    for line in asyncio.run(_audit(settings, args.case, args.limit)):
        print(line)
    return 0


async def _audit(settings: Settings, case: str | None, limit: int) -> list[str]:
    from bot.cli.core import opened_core
    from db import audit, cases

    async with opened_core(settings) as core, core.sessions() as session:
        case_id = None
        if case is not None:
            found = await cases.find_case(session, case)
            if found is None:
                raise UsageError(f"no case {case}")
            case_id = found.id
        entries = await audit.entries(session, case_id, limit)
    return [
        f"{e.at:%Y-%m-%d %H:%M:%S} UTC  {e.actor:<24} {e.action:<22} "
        f"{f'case {e.case_id}' if e.case_id is not None else '':<10} {e.detail or ''}".rstrip()
        for e in entries
    ] or ["the audit log is empty"]
