"""`sigap --help` and `sigap check-offer` start without the heavy libraries (issue 17: the CLI starts
in under a second). Which modules a command loads is checked here; the time itself is printed by
bench/cli_start.py, never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Loaded by the bot's server, channels, scheduler and charts; none is needed to list the commands
# or to check an ad.
HEAVY = ("aiohttp", "aiogram", "apscheduler", "httpx", "matplotlib", "openpyxl", "PIL")
PROBE = """
import sys
from bot.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("loaded:", " ".join(sorted(name for name in sys.modules if "." not in name)))
"""


def loaded(*args: str, stdin: str = "", sqlite_path: Path | None = None) -> set[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    if sqlite_path is not None:
        env["SIGAP_DATABASE__SQLITE_PATH"] = str(sqlite_path)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--config", str(ROOT / "config.toml"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=180,
    )
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("loaded: "), done.stdout + done.stderr
    return set(last.removeprefix("loaded: ").split())


def test_help_loads_only_the_parser() -> None:
    modules = loaded("--help")
    assert not modules & {*HEAVY, "sqlalchemy", "pydantic", "pydantic_settings", "db", "handlers"}


def test_check_offer_loads_no_server_channel_or_chart(tmp_path: Path) -> None:
    modules = loaded(
        "check-offer", stdin="Dicari TKW ke Malaysia, gaji 8 juta\n", sqlite_path=tmp_path / "a.db"
    )
    assert "handlers" in modules, "the probe ran the analysis"
    assert not modules & set(HEAVY)


def test_the_parser_copies_agree_with_their_sources() -> None:
    """Options are built without importing the modules they describe; these copies must not drift."""
    from bot import doctor
    from bot.cli import doctor as doctor_command
    from bot.cli.reference import LEVEL_NAMES
    from handlers.regions.levels import LEVELS

    assert doctor_command.DOCTOR_TIMEOUT == doctor.DOCTOR_TIMEOUT
    assert LEVEL_NAMES == tuple(LEVELS)
