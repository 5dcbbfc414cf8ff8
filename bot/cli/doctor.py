"""`sigap doctor`: the command; the checks themselves are bot/doctor.py (the bot runs them too)."""

from __future__ import annotations

import argparse

# bot.doctor's default, repeated so that building the parser does not import the checks.
DOCTOR_TIMEOUT = 10.0


def arguments_doctor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--public-url",
        help="https://YOUR-HOST, to check the webhooks through the proxy "
        "(default: the host of telegram.webhook_url)",
    )
    parser.add_argument("--timeout", type=float, default=DOCTOR_TIMEOUT, help="seconds per network check")


def run_doctor(args: argparse.Namespace) -> int:
    from bot import doctor

    return doctor.main(args.config_path, args.public_url, args.timeout)
