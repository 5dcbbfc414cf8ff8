"""The fake Bot API is as strict as Telegram where it matters: a bot may not write first, long
texts, captions and callback data are refused, and getUpdates keeps an update until confirmed."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from tests.harness import TOKEN
from tests.telegram_updates import text_update


async def call(api: Any, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    form = {k: json.dumps(v) if isinstance(v, dict | list) else str(v) for k, v in params.items()}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{api.base_url}/bot{TOKEN}/{method}", data=form) as response,
    ):
        return response.status, await response.json()


async def test_a_bot_may_not_write_first(fake_api: Any) -> None:
    status, body = await call(fake_api, "sendMessage", chat_id=77, text="halo")
    assert (status, body["description"]) == (403, "Forbidden: bot can't initiate conversation with a user")
    fake_api.push_update(text_update(77, "/start"))  # the user writes: now the bot may answer
    status, _ = await call(fake_api, "sendMessage", chat_id=77, text="halo")
    assert status == 200


async def test_texts_captions_and_button_data_over_the_limits_are_refused(fake_api: Any) -> None:
    fake_api.open_chat(78)
    emoji = "🚨"  # two UTF-16 code units, as Telegram counts
    for method, params, fits in (
        ("sendMessage", {"text": "a" * 4096}, True),
        ("sendMessage", {"text": "a" * 4097}, False),
        ("sendMessage", {"text": emoji * 2048}, True),
        ("sendMessage", {"text": emoji * 2049}, False),
        ("sendMessage", {"text": "   "}, False),
        ("sendPhoto", {"photo": "FILE", "caption": "a" * 1024}, True),
        ("sendPhoto", {"photo": "FILE", "caption": "a" * 1025}, False),
        (
            "sendMessage",
            {"text": "x", "reply_markup": {"inline_keyboard": [[{"text": "b", "callback_data": "d" * 64}]]}},
            True,
        ),
        (
            "sendMessage",
            {"text": "x", "reply_markup": {"inline_keyboard": [[{"text": "b", "callback_data": "é" * 33}]]}},
            False,
        ),
    ):
        status, body = await call(fake_api, method, chat_id=78, **params)
        assert (status == 200) is fits, (method, body)
        assert fits or body["description"].startswith("Bad Request")


async def test_get_updates_keeps_an_update_until_a_later_offset_confirms_it(fake_api: Any) -> None:
    first, second = text_update(79, "/start"), text_update(79, "halo")
    fake_api.push_update(first)
    fake_api.push_update(second)
    ids = [first["update_id"], second["update_id"]]
    for _ in range(2):  # asked again without an offset: the same updates again
        _, body = await call(fake_api, "getUpdates", timeout=0)
        assert [u["update_id"] for u in body["result"]] == ids
    _, body = await call(fake_api, "getUpdates", offset=ids[0] + 1, timeout=0)
    assert [u["update_id"] for u in body["result"]] == ids[1:]
    _, body = await call(fake_api, "getUpdates", offset=ids[1] + 1, timeout=0)
    assert body["result"] == [] and fake_api.unconfirmed_updates == []
