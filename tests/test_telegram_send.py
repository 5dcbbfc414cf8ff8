"""sendMessage as one JSON body (bot/channels/telegram_send.py): what goes out, and its answers read
as aiogram reads them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiohttp import web

from bot.channels.telegram import keyboard_json
from bot.channels.telegram_send import SendText, SentMessage, TelegramSession
from ground.messages import Button

TOKEN = "123456:test-token"


class Recorder:
    """A Bot API that keeps each request's content type and body and answers what it is told."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, bytes]] = []
        self.answer: tuple[int, dict[str, Any]] = (200, {"ok": True, "result": True})

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((request.content_type, await request.read()))
        status, body = self.answer
        return web.json_response(body, status=status)


@pytest.fixture
async def api() -> AsyncIterator[tuple[Recorder, Bot]]:
    recorder = Recorder()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", recorder.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    bot = Bot(TOKEN, session=TelegramSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{port}")))
    try:
        yield recorder, bot
    finally:
        await bot.session.close()
        await runner.cleanup()


def sent_message(chat_id: int, text: str) -> dict[str, Any]:
    """What Telegram answers a sendMessage with: the whole message."""
    return {
        "message_id": 7,
        "date": 1_700_000_000,
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": 999, "is_bot": True, "first_name": "Sigap"},
        "text": text,
        "reply_markup": {"inline_keyboard": [[{"text": "Ya", "callback_data": "ck:a:q:y"}]]},
    }


async def test_a_text_goes_as_one_json_body_with_its_keyboard(api: tuple[Recorder, Bot]) -> None:
    recorder, bot = api
    text = 'Apakah "agen" meminta biaya?\nJawab: ya / tidak — 100%'
    recorder.answer = (200, {"ok": True, "result": sent_message(42, text)})
    buttons = ((Button("Ya", "ck:a:q:y"), Button("Tidak", "ck:a:q:n")), (Button("Tidak tahu", "ck:a:q:u"),))

    answer = await bot(SendText(chat_id="42", text=text, reply_markup=keyboard_json(buttons)))

    assert answer == SentMessage(message_id=7)
    [(content_type, body)] = recorder.requests
    assert content_type == "application/json"
    assert json.loads(body) == {
        "chat_id": "42",
        "text": text,
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "Ya", "callback_data": "ck:a:q:y"}, {"text": "Tidak", "callback_data": "ck:a:q:n"}],
                [{"text": "Tidak tahu", "callback_data": "ck:a:q:u"}],
            ]
        },
    }


async def test_a_text_without_buttons_has_no_keyboard(api: tuple[Recorder, Bot]) -> None:
    recorder, bot = api
    recorder.answer = (200, {"ok": True, "result": sent_message(42, "Halo")})
    await bot(SendText(chat_id="42", text="Halo"))
    [(_, body)] = recorder.requests
    assert json.loads(body) == {"chat_id": "42", "text": "Halo"}


async def test_refusals_raise_aiograms_exceptions(api: tuple[Recorder, Bot]) -> None:
    recorder, bot = api
    recorder.answer = (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests",
            "parameters": {"retry_after": 5},
        },
    )
    with pytest.raises(TelegramRetryAfter) as raised:
        await bot(SendText(chat_id="42", text="Halo"))
    assert raised.value.retry_after == 5
    recorder.answer = (403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked"})
    with pytest.raises(TelegramForbiddenError):
        await bot(SendText(chat_id="42", text="Halo"))
