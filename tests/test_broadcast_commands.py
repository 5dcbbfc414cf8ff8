"""`sigap broadcast` at the terminal: the library listed, the audience counted before creating,
no broadcast to everyone by omission, and in the demo a broadcast arrives in the terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import open_core
from bot.channels.console import ConsoleChannel
from bot.cli import broadcasts as broadcast_admin
from bot.cli.demo import demo_sender
from bot.cli.usage import UsageError
from bot.config import Settings
from db import broadcasts
from ground.messages import Incoming
from tests.harness import BotHarness, sigap_command
from tests.test_broadcasts import SUNGAI_KAKAP, subscribe

SUBSCRIBER = 1301


async def test_library_lists_every_message_with_its_title(bot: BotHarness) -> None:
    core = bot.service.core
    assert core is not None
    lines = broadcast_admin.library(core, "en")
    keys = broadcast_admin.library_keys(core.services.content)
    assert "red_flags" in keys and len(lines) == len(keys) + 1
    assert any(line.startswith("red_flags") and "Signs of a fake job" in line for line in lines)
    with pytest.raises(UsageError, match="--language"):
        broadcast_admin.library(core, "fr")
    with pytest.raises(UsageError, match="`sigap broadcast library` shows them"):
        await broadcast_admin.create(core, "61.12", "no_such", None, None, "2027-01-01 09:00", None)


async def test_audience_is_counted_and_an_empty_one_refused_unless_forced(bot: BotHarness) -> None:
    core = bot.service.core
    assert core is not None
    with pytest.raises(UsageError, match="who is it for"):
        await broadcast_admin.create(core, None, None, "Rapat desa", "id", "2027-01-01 09:00", None)
    with pytest.raises(UsageError, match="not both"):
        await broadcast_admin.create(
            core, "61.12", None, "Rapat desa", "id", "2027-01-01 09:00", None, everyone=True
        )
    with pytest.raises(UsageError, match=r"0 subscribers in 61\.12\. Nothing was created; add --force"):
        await broadcast_admin.create(core, "61.12", "red_flags", None, None, None, ["senin", "09:00"])
    async with core.sessions() as session:
        assert await broadcasts.listing(session) == []
    forced = await broadcast_admin.create(
        core, "61.12", "red_flags", None, None, None, ["senin", "09:00"], force=True
    )
    assert forced.endswith("0 subscriber(s) would receive it now")

    await subscribe(bot, SUBSCRIBER, SUNGAI_KAKAP)
    made = await broadcast_admin.create(core, "61", "hotlines", None, None, "2027-01-01 09:00", None)
    assert "library:hotlines to 61," in made and made.endswith("1 subscriber(s) would receive it now")
    with pytest.raises(UsageError, match="0 subscribers anywhere reading en"):
        await broadcast_admin.create(
            core, None, None, "Meeting", "en", "2027-01-01 09:00", None, everyone=True
        )
    made = await broadcast_admin.create(
        core, None, None, "Rapat desa", "id", "2027-01-01 09:00", None, everyone=True
    )
    assert "to everyone" in made and made.endswith("1 subscriber(s) would receive it now")


async def test_in_the_demo_a_broadcast_reaches_the_console_user(database_url: str) -> None:
    core = await open_core(Settings(database_url=SecretStr(database_url)))
    try:
        for kind, data, text in (
            ("command", "", "/start"),
            ("button", "lang:id", ""),
            ("button", "privacy:ok", ""),
            ("button", "sb:start", ""),
            ("button", f"sb:v:{SUNGAI_KAKAP}", ""),
        ):
            await core.engine.handle(Incoming("console", "demo", "demo", kind, text=text, data=data))  # type: ignore[arg-type]
        await broadcast_admin.create(core, "61.12", "red_flags", None, None, "2027-01-01 09:00", None)
        said = await broadcast_admin.send_now(core, 1)  # no token: queued for the demo to show
        assert said.startswith("queued 1 now") and "`sigap demo`" in said

        terminal = io.StringIO()
        sender = demo_sender(core, ConsoleChannel(core.engine, io.StringIO(), terminal))
        assert await sender.drain_once() == 1
        assert core.services.content.texts("id")("broadcasts.red_flags.text") in terminal.getvalue()
        async with core.sessions() as session:
            progress = await broadcasts.progress(session, 1)
        assert (progress.sent, progress.pending) == (1, 0)
    finally:
        await core.close()


def test_the_command_line_names_the_audience(cli_database: Path) -> None:
    done = sigap_command("broadcast", "library", sqlite_path=cli_database)
    assert done.returncode == 0 and "red_flags" in done.stdout
    done = sigap_command(
        "broadcast",
        "create",
        "--text",
        "Rapat",
        "--language",
        "id",
        "--at",
        "2027-01-01 09:00",
        sqlite_path=cli_database,
    )
    assert done.returncode == 2 and "--region --everyone" in done.stderr
    done = sigap_command(
        "broadcast",
        "create",
        "--everyone",
        "--library",
        "red_flags",
        "--at",
        "2027-01-01 09:00",
        sqlite_path=cli_database,
    )
    assert done.returncode == 2 and "nobody would receive it" in done.stderr
