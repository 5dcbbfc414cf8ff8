"""Every reply of every dialogue fits both platforms (issue 18): the dialogues are walked through
the real engine (tests/dialog_walk.py) as a villager, a village official, a coordinator and an
admin, in both languages, pressing every button offered and typing typical answers; every reply
is checked as Telegram takes it and as the WhatsApp payloads the adapter would send."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import build_services
from bot.channels import whatsapp_format as wa
from bot.config import Settings
from bot.engine import ConversationEngine
from bot.router import Router
from db.roles import Role
from db.session import create_engine, create_sessionmaker
from ground.messages import Reply, text_length
from handlers import route_table
from tests.dialog_walk import Action, Walk, Walker
from tests.harness import FakeClock

TELEGRAM_TEXT, TELEGRAM_DATA = 4096, 64
# WhatsApp: a reply button's id and a list row's id (Meta's Cloud API reference).
WA_BUTTON_ID, WA_ROW_ID = 256, 200
SUNGAI_KAKAP = "61.12.09.2001"
PERSONAS: list[tuple[str, Role | None, str | None]] = [
    ("villager", None, None),
    ("official", Role.OFFICIAL, SUNGAI_KAKAP),
    ("coordinator", Role.COORDINATOR, "61.12"),
    ("admin", Role.ADMIN, None),
]
# Actions per persona and language: enough to reach every step (the test checks that it did).
BUDGET = 400


def problems(reply: Reply) -> list[str]:
    """What in this reply does not fit Telegram or WhatsApp (empty: it fits)."""
    found: list[str] = []
    limit = TELEGRAM_TEXT if not (reply.photo or reply.document) else wa.CAPTION
    if text_length(reply.text) > limit:
        found.append(f"text of {text_length(reply.text)} characters (Telegram: {limit})")
    buttons = reply.all_buttons
    for button in buttons:
        if len(button.data.encode()) > TELEGRAM_DATA:
            found.append(f"callback data {button.data!r} over {TELEGRAM_DATA} bytes")
    if buttons and len(buttons) <= wa.MAX_ROWS:
        # Reply buttons hold 20 (a longer label makes a list); a row's title is cut at 24 and its
        # description holds the whole label (72).
        for button in buttons:
            if len(button.label) > wa.ROW_DESCRIPTION:
                found.append(f"list row label {button.label!r} over {wa.ROW_DESCRIPTION}")
    messages, _ = wa.payloads("6281100000001", reply)
    for message in messages:
        found += _payload_problems(message)
    return found


def _payload_problems(message: dict[str, Any]) -> list[str]:
    found: list[str] = []
    kind = message["type"]
    if kind == "text" and text_length(message["text"]["body"]) > wa.TEXT_BODY:
        found.append(f"WhatsApp text body over {wa.TEXT_BODY}")
    if kind in ("image", "document") and text_length(message[kind].get("caption", "")) > wa.CAPTION:
        found.append(f"WhatsApp caption over {wa.CAPTION}")
    if kind != "interactive":
        return found
    interactive = message["interactive"]
    if text_length(interactive["body"]["text"]) > wa.INTERACTIVE_BODY:
        found.append(f"WhatsApp body with buttons over {wa.INTERACTIVE_BODY}")
    action = interactive["action"]
    if interactive["type"] == "button":
        if len(action["buttons"]) > wa.MAX_BUTTONS:
            found.append(f"{len(action['buttons'])} reply buttons (WhatsApp: {wa.MAX_BUTTONS})")
        for button in action["buttons"]:
            reply = button["reply"]
            cut = reply["title"].endswith("…")
            if cut or len(reply["title"]) > wa.BUTTON_TITLE or len(reply["id"]) > WA_BUTTON_ID:
                found.append(f"reply button {reply}")
    else:
        rows = [row for section in action["sections"] for row in section["rows"]]
        if len(rows) > wa.MAX_ROWS:
            found.append(f"{len(rows)} list rows (WhatsApp: {wa.MAX_ROWS})")
        for row in rows:
            too_long = (
                len(row["title"]) > wa.ROW_TITLE
                or len(row.get("description", "")) > wa.ROW_DESCRIPTION
                or len(row["id"]) > WA_ROW_ID
            )
            if too_long:
                found.append(f"list row {row}")
        if len(action["button"]) > wa.LIST_BUTTON:
            found.append(f"list button {action['button']!r}")
    return found


def _slow(action: Action) -> bool:
    """Exports and charts are files, checked by their own tests; drawing each costs seconds."""
    return action.data.startswith(("cx:", "st:chart", "st:export")) or action.text in ("/statistik", "/stats")


@pytest.fixture
async def walker(database_url: str) -> AsyncIterator[Walker]:
    settings = Settings(database_url=SecretStr(database_url))
    services = build_services(settings)
    database = create_engine(database_url)
    sessions = create_sessionmaker(database)
    table = route_table()
    engine = ConversationEngine(sessions, Router(table, 3000), services, FakeClock())
    yield Walker(engine, table, sessions, table.commands, BUDGET, skip=_slow)
    await database.dispose()


def _press(data: str) -> Action:
    return Action("button", data=data)


# An early warning sent, the task force allowed to ask back: a case for the coordinator's buttons.
REPORT = [
    _press("menu:report"),
    _press("rp:yes"),
    _press("rp:k:warning"),
    Action("text", "Siti Aminah"),
    *[_press("rp:skip")] * 2,
    Action("text", "Sungai Kakap"),
    _press(f"rp:v:{SUNGAI_KAKAP}"),
    *[_press("rp:skip")] * 7,
    _press("rp:c:parent"),
    _press("rp:c:yes"),
    _press("rp:send"),
]


async def _reporter(walker: Walker, language: str, seen: Walk) -> None:
    """The reporter's own steps, played without clones (a case answers only its reporter)."""
    user = await walker.user(language, None, None, seen)
    await walker.play(user, REPORT, seen)
    [add] = {
        b.data
        for r in await walker.play(user, [Action("command", "/laporan")], seen)
        for b in r.all_buttons
        if b.data.startswith("my:add:")
    }
    await walker.play(user, [_press(add), Action("text", "Dia sudah di Batam, kata temannya.")], seen)


async def test_every_reply_of_every_dialogue_fits_both_platforms(walker: Walker) -> None:
    table = route_table()
    reached: set[tuple[str, str]] = set()
    violations: dict[str, set[str]] = {}
    walks = []
    for language in ("id", "en"):
        walks.append(("reporter", language, seen := Walk()))
        await _reporter(walker, language, seen)
    for (persona, role, region), language in [(p, lang) for p in PERSONAS for lang in ("id", "en")]:
        onboarding = Walk()
        root = await walker.user(language, role, region, onboarding)
        walks += [(persona, language, onboarding), (persona, language, await walker.walk(root))]
    for persona, language, walk in walks:
        reached |= {(str(place[0]), str(place[1])) for place in walk.places}
        for path, reply in walk.replies:
            for problem in problems(reply):
                where = f"{persona}/{language}: {' > '.join(map(str, path))}"
                violations.setdefault(problem, set()).add(where)
    every_step = {(name, step) for name, dialog in table.dialogs.items() for step in dialog.steps}
    assert every_step - reached == set(), f"steps the walk never reached: {every_step - reached}"
    assert not violations, "\n".join(f"{problem}\n    {min(paths)}" for problem, paths in violations.items())


def test_a_planted_long_text_is_caught() -> None:
    """The check can fail: a text past Telegram's limit, a label cut on WhatsApp, data too long."""
    from ground.messages import Button

    assert problems(Reply("x" * 4097)), "text over 4,096"
    assert problems(Reply("ok", ((Button("Lanjutkan laporan " * 5, "rp:resume"),),))), "a label cut"
    assert problems(Reply("ok", ((Button("ok", "x" * 65),),)))
    long_rows = tuple(
        (Button(f"Pilihan nomor {n} yang sangat panjang sekali, " * 2, f"c:{n}"),) for n in range(5)
    )
    assert problems(Reply("ok", long_rows)), "list rows whose label is cut"
    assert not problems(Reply("x" * 4096)), "exactly the limit fits"
