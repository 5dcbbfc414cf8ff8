"""Recorded Telegram updates (tests/data/telegram/) replayed through the adapter, table-driven."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiogram.types import Update

from bot.channels.telegram import incoming_from_callback, incoming_from_message, keyboard
from bot.channels.telegram_inbound import InboundUpdate
from ground.messages import Button, Incoming, Reply

CASES = sorted((Path(__file__).parent / "data" / "telegram").glob("*.json"))


def convert(update: Update | InboundUpdate) -> Incoming | None:
    if update.message is not None:
        return incoming_from_message(update.message, update.update_id)
    if update.callback_query is not None:
        return incoming_from_callback(update.callback_query, update.update_id)
    return None


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_recorded_update(path: Path) -> None:
    recorded = json.loads(path.read_text())
    expect = recorded["expect"]
    incoming = convert(Update.model_validate(recorded["update"]))
    if expect["kind"] is None:
        assert incoming is None
        return
    assert incoming is not None
    assert incoming.kind == expect["kind"]
    assert incoming.channel == "telegram"
    assert incoming.user_id == "777" and incoming.chat_id == "777"
    assert incoming.update_key == str(recorded["update"]["update_id"])
    for field in ("text", "data"):
        if field in expect:
            assert getattr(incoming, field) == expect[field]
    if incoming.kind == "photo":
        assert incoming.photo == recorded["update"]["message"]["photo"][-1]["file_id"]
    if "command" in expect:
        assert incoming.command == expect["command"]
        assert incoming.command_argument == expect["argument"]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_the_webhooks_own_models_read_a_recorded_update_as_aiograms_do(path: Path) -> None:
    """The webhook validates only what Sigap reads (bot/channels/telegram_inbound.py): the same
    Incoming as through aiogram's Update, which polling still uses."""
    update = json.loads(path.read_text())["update"]
    assert convert(InboundUpdate.model_validate(update)) == convert(Update.model_validate(update))


def test_there_are_recorded_cases() -> None:
    assert len(CASES) >= 8


def test_keyboard_keeps_rows_and_data() -> None:
    reply = Reply(
        "q", ((Button("Ya", "ck:a:x:y"), Button("Tidak", "ck:a:x:n")), (Button("Batal", "ck:cancel"),))
    )
    markup = keyboard(reply)
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["ck:a:x:y", "ck:a:x:n"],
        ["ck:cancel"],
    ]
    assert keyboard(Reply("plain")) is None


def test_a_garbage_collection_does_not_make_the_next_send_rebuild_its_response_model() -> None:
    """pydantic holds a parametrised generic model only weakly: unless the channel holds aiogram's
    Response[Message], a collection drops it and the next send builds it again (about 50 ms)."""
    import gc
    import weakref

    from aiogram.methods.base import Response
    from aiogram.types import Message

    import bot.channels.telegram  # noqa: F401  (holds the response types of the methods it calls)

    built = weakref.ref(Response[Message])  # what aiogram reads each sent message's answer with
    gc.collect()
    assert built() is not None
    assert Response[Message] is built()
