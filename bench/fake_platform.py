"""The fake Bot API as its own process for the delivery benchmarks, so its work is not counted as
Sigap's and its sliding-second rate limit (`--rate-limit`, one message a second per chat) is the
platform the sender has to live with."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_against_fake_bot_api(rate: int, main: Callable[[str], Awaitable[None]]) -> None:
    """Starts the fake with `rate` messages a second in all, runs main(its base URL), stops it."""
    fake = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.telegram_api",
            "--rate-limit",
            str(rate),
            "--per-chat-limit",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert fake.stdout is not None
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main(fake.stdout.readline().strip()))
    finally:
        fake.terminate()
        fake.wait()
