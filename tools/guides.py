"""Writes the example conversations of the user guides (docs/panduan/) from the real engine.

    python -m tools.guides          # rewrite the excerpts between the markers
    python -m tools.guides --check  # exit 1 if an excerpt differs from what the bot says now

Each excerpt is a scene played through the conversation engine on a fresh SQLite database, with a
clock that stands still, and shown as the console demo (`sigap demo`) shows it: the bot's text,
its buttons numbered, and what the person typed or pressed after "> ". In a guide it sits between
<!-- sigap:conversation NAME --> and <!-- /sigap:conversation -->; tests/test_guides.py fails
when the guides drift from what the bot says."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from bot.app import Core, open_core
from bot.channels.console import render
from bot.config import Settings
from db import queries
from db.roles import Role, create_invite, grant_role
from ground.messages import Button, Incoming, Reply

ROOT = Path(__file__).resolve().parent.parent
GUIDES = ROOT / "docs" / "panduan"
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
SUNGAI_KAKAP = "61.12.09.2001"
MARKER = re.compile(
    r"(<!-- sigap:conversation (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /sigap:conversation -->)", re.S
)


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Press:
    data: str


Step = Say | Press


@dataclass(frozen=True)
class Scene:
    name: str
    language: str
    steps: tuple[Step, ...]
    # Set up before the scene: a role for the person (and region), an invite to redeem.
    role: tuple[Role, str] | None = None
    invite: str = ""  # the one-time code of an official's invite to Sungai Kakap
    # A second person files an early warning from Sungai Kakap first (not shown).
    with_case: bool = False


# An early warning from Sungai Kakap that the task force may answer: the coordinator's case.
EARLY_WARNING: tuple[Step, ...] = (
    Press("menu:report"),
    Press("rp:yes"),
    Press("rp:k:warning"),
    Say("Rina"),
    Press("rp:skip"),
    Press("rp:skip"),
    Say("Sungai Kakap"),
    Press(f"rp:v:{SUNGAI_KAKAP}"),
    *(Press("rp:skip"),) * 7,
    Press("rp:c:parent"),
    Press("rp:c:yes"),
    Press("rp:send"),
)


# An official's report: their village is offered as a button.
OFFICIAL_REPORTS: tuple[Step, ...] = (
    Press("menu:report"),
    Press("rp:yes"),
    Press("rp:k:warning"),
    Say("Rina"),
    Press("rp:skip"),
    Press("rp:skip"),
)


def _report(language: str) -> tuple[Step, ...]:
    name = "Siti Aminah"
    return (
        Press("menu:report"),
        Press("rp:yes"),
        Press("rp:k:missing"),
        Say(name),
        Say("19"),
        Press("rp:c:female"),
        Say("Sungai Kakap"),
        Press(f"rp:v:{SUNGAI_KAKAP}"),
        Say("Malaysia"),
        Say("agustus 2026" if language == "id" else "august 2026"),
    )


SCENES: tuple[Scene, ...] = (
    Scene("warga-cek", "id", (Press("menu:check"), Press("ck:a:route:sponsor"), Say("kerja online"))),
    Scene("warga-lapor", "id", _report("id")),
    Scene("villager-check", "en", (Press("menu:check"), Press("ck:a:route:sponsor"), Say("online work"))),
    Scene("villager-report", "en", _report("en")),
    Scene("kades-daftar", "id", (Say("/daftar DESA2345"), *OFFICIAL_REPORTS), invite="DESA2345"),
    Scene("head-register", "en", (Say("/daftar HEAD6789"), *OFFICIAL_REPORTS), invite="HEAD6789"),
    Scene(
        "koordinator-kasus",
        "id",
        (
            Say("/kasus"),
            Press("cs:view:"),
            Press("cs:ack:"),
            Press("cs:info:"),
            Say("Kapan terakhir ada kabar darinya?"),
        ),
        role=(Role.COORDINATOR, "61.12"),
        with_case=True,
    ),
    Scene(
        "coordinator-cases",
        "en",
        (
            Say("/cases"),
            Press("cs:view:"),
            Press("cs:ack:"),
            Press("cs:info:"),
            Say("When did you last hear from her?"),
        ),
        role=(Role.COORDINATOR, "61.12"),
        with_case=True,
    ),
)


class Player:
    """Plays scenes through the engine as the console demo does, one new person each."""

    def __init__(self, database: Path) -> None:
        """database: a SQLite file, empty or already migrated with the regions loaded."""
        self._settings = Settings(database_url=SecretStr(f"sqlite+aiosqlite:///{database}"))
        self._users = iter(range(1, 10_000))

    async def play_all(self) -> dict[str, str]:
        core = await open_core(self._settings, clock=lambda: NOW)
        try:
            excerpts = {}
            for scene in SCENES:
                excerpts[scene.name] = await self._play(core, scene)
            return excerpts
        finally:
            await core.close()

    async def _play(self, core: Core, scene: Scene) -> str:
        if scene.with_case:
            await self._person(core, "id", EARLY_WARNING)
        user, shown = await self._person(core, scene.language, ())

        async def send(kind: str, text: str = "", data: str = "") -> list[Reply]:
            return await core.engine.handle(Incoming("console", user, user, kind, text=text, data=data))  # type: ignore[arg-type]

        async with core.sessions() as session, session.begin():
            record, _ = await queries.ensure_user(session, "console", user, user, scene.language, NOW)
            if scene.role is not None:
                await grant_role(session, record.id, scene.role[0], scene.role[1], "guide", NOW)
            if scene.invite:
                await create_invite(
                    session, scene.invite, Role.OFFICIAL, SUNGAI_KAKAP, "guide", NOW, NOW + timedelta(days=3)
                )
        lines: list[str] = []
        for step in scene.steps:
            if isinstance(step, Press):
                number, button = _numbered(shown, step.data)
                lines.append(f"> {number}   ({button.label})")
                shown = await send("button", data=button.data)
            else:
                lines.append(f"> {step.text}")
                kind = "command" if step.text.startswith("/") else "text"
                shown = await send(kind, text=step.text)
            number = 1
            for reply in shown:
                lines.append(render(reply, number))
                number += len(reply.all_buttons)
            lines.append("")
        return "```\n" + "\n".join(lines).rstrip() + "\n```\n"

    async def _person(self, core: Core, language: str, steps: tuple[Step, ...]) -> tuple[str, list[Reply]]:
        """A new person at the menu in `language`, who then plays `steps` (not shown)."""
        user = f"guide{next(self._users)}"
        shown: list[Reply] = []
        for kind, text, data in (
            ("command", "/start", ""),
            ("button", "", f"lang:{language}"),
            ("button", "", "privacy:ok"),
            ("button", "", "menu:main"),
            *(_action(step) for step in steps),
        ):
            shown = await core.engine.handle(Incoming("console", user, user, kind, text=text, data=data))  # type: ignore[arg-type]
        return user, shown


def _action(step: Step) -> tuple[str, str, str]:
    return ("button", "", step.data) if isinstance(step, Press) else ("text", step.text, "")


def _numbered(replies: list[Reply], data: str) -> tuple[int, Button]:
    """The number the console shows for the button with this data (or the first whose data
    starts with it, when it ends with ":"), and the button."""
    number = 1
    for reply in replies:
        for button in reply.all_buttons:
            if button.data == data or (data.endswith(":") and button.data.startswith(data)):
                return number, button
            number += 1
    raise ValueError(f"the scene presses {data!r}, which the bot did not offer")


def generate(database: Path | None = None) -> dict[str, str]:
    """Every scene's excerpt; on `database` if given (a copy of a migrated one saves loading the
    regions, a few seconds), else on a new file."""
    if database is not None:
        return asyncio.run(Player(database).play_all())
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(Player(Path(folder) / "guides.db").play_all())


def fill(text: str, excerpts: dict[str, str]) -> str:
    """The guide with each marked excerpt replaced by the conversation of that name."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in excerpts:
            raise KeyError(f"no scene named {name!r} (tools/guides.py SCENES)")
        return match.group(1) + excerpts[name] + match.group(4)

    return MARKER.sub(replace, text)


def guides() -> list[Path]:
    return sorted(GUIDES.rglob("*.md"))


def main(argv: list[str] | None = None, write: Callable[[str], object] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the guides are current")
    args = parser.parse_args(argv)
    excerpts = generate()
    stale = []
    for path in guides():
        text = path.read_text(encoding="utf-8")
        fresh = fill(text, excerpts)
        if fresh != text:
            stale.append(path)
            if not args.check:
                path.write_text(fresh, encoding="utf-8")
    for path in stale:
        write(f"{'stale' if args.check else 'updated'}: {path.relative_to(ROOT)}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
