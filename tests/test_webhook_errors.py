"""Webhooks answer what each failure deserves, never a 500 (issue 14, item 14):

| request | Telegram | WhatsApp |
| --- | --- | --- |
| secret / signature with non-ASCII or raw bytes | 401 | 401 |
| hub.verify_token with non-ASCII | - | 403 |
| JSON nested deeper than Python parses (right secret / valid signature) | 400 | 400 |
| the database failing (a missing table, dropped connections, read-only) | 503 | 503 |

(503: Telegram re-delivers, WhatsApp re-sends. An error in the message's own data, SQLSTATE 22
or 23, is a bug answered with an apology: a re-delivery would fail the same way.)

In each database case nothing is answered to the user meanwhile, and the re-delivery after the
database is back is answered once."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any
from urllib.parse import quote

import aiohttp
import asyncpg
from sqlalchemy.engine import make_url

from ground.i18n import Content, default_content_dir
from tests.harness import WEBHOOK_PATH, WEBHOOK_SECRET, BotHarness
from tests.telegram_updates import text_update
from tests.test_whatsapp_e2e import graph_api, wa  # noqa: F401 (fixtures)
from tests.whatsapp_harness import VERIFY_TOKEN, WhatsAppHarness, signed, webhook

HELP = Content.load(default_content_dir(), "id").texts("id")("help.text")
ALICE, WA_ALICE = 1801, "6281100001801"
DEEP = 100_000


async def raw_post(port: int, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    """An HTTP request with header bytes no well-behaved client would send (not UTF-8)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"POST {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Content-Type: application/json"]
    lines += [name + b": " + value for name, value in headers]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    return int(status_line.split()[1])


def deeply_nested(inside: str = "") -> bytes:
    return ("[" * DEEP + inside + "]" * DEEP).encode()


def _rename_sqlite_table(path: str, old: str, new: str) -> None:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(f"ALTER TABLE {old} RENAME TO {new}")
        connection.execute("COMMIT")
    finally:
        connection.close()


async def rename_table(bot_or_wa: Any, old: str, new: str) -> None:
    """What an operator's mistake or a bad migration does: the database refuses our statements."""
    url = make_url(bot_or_wa.service.core.settings.database_url_value())
    if url.get_backend_name() == "sqlite":
        # In a thread: waiting for the write lock here must not stop the event loop, or a turn of
        # the bot's that holds the lock could never finish. BEGIN IMMEDIATE takes the lock first:
        # a rename begun as a read would fail at once, not wait, once another write came between.
        await asyncio.to_thread(_rename_sqlite_table, str(url.database), old, new)
        return
    connection = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await connection.execute(f"ALTER TABLE {old} RENAME TO {new}")
    finally:
        await connection.close()


# --- Telegram ------------------------------------------------------------------------------------


async def test_telegram_secret_in_odd_bytes_is_refused_not_a_crash(bot: BotHarness) -> None:
    body = json.dumps(text_update(ALICE, "/start")).encode()
    for secret in (b"\xff\xfe\xfd", "rahasia-é".encode(), WEBHOOK_SECRET.encode() + b"\xc3"):
        status = await raw_post(
            bot.service.web_port, WEBHOOK_PATH, [(b"X-Telegram-Bot-Api-Secret-Token", secret)], body
        )
        assert status == 401, secret
    assert await bot.post(None, secret="salah-é", raw=body) == 401
    assert await bot.post(None, secret=None, raw=body) == 401  # no header at all: refused, not a 500
    assert bot.last_response == {"ok": False}  # a refusal never reads as "ok"
    assert bot.api.sent(ALICE) == []


async def test_telegram_deeply_nested_json_is_a_bad_request(bot: BotHarness) -> None:
    assert await bot.post(None, raw=deeply_nested()) == 400
    update = json.dumps(text_update(ALICE, "/start"))
    inside = update[:-1] + ', "extra": ' + "[" * DEEP + "]" * DEEP + "}"
    assert await bot.post(None, raw=inside.encode()) == 400
    assert bot.api.sent(ALICE) == []
    assert await bot.say(ALICE, "/start"), "and the bot goes on"


async def test_telegram_refuses_what_is_not_an_update_with_the_reason(bot: BotHarness) -> None:
    """With the right secret, a body that is no Telegram update is a 400 naming why, not a 500."""
    assert await bot.post(None, raw=b'{"update_id": 1,') == 400
    assert bot.last_response == {"ok": False, "error": "malformed JSON"}
    not_updates = (b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}', b'{"update_id": 7, "message": 5}')
    for body in not_updates:
        assert await bot.post(None, raw=body) == 400, body
        assert bot.last_response == {"ok": False, "error": "not a Telegram update"}, body
    assert bot.api.sent(ALICE) == []


async def test_telegram_database_refusing_answers_503_then_handles_the_redelivery_once(
    bot: BotHarness,
) -> None:
    await bot.onboard(ALICE)
    before = len(bot.api.sent(ALICE))
    update = text_update(ALICE, "/bantuan")
    await rename_table(bot, "users", "users_away")
    try:
        assert await bot.post(update) == 503
        assert await bot.post(update) == 503, "every re-delivery, while the database refuses"
        assert bot.last_response == {"ok": False, "error": "try again"}
        assert bot.api.sent(ALICE)[before:] == [], "no apology that would make the user resend"
    finally:
        await rename_table(bot, "users_away", "users")
    assert await bot.post(update) == 200
    assert await bot.post(update) == 200  # a late duplicate is recognised
    replies = bot.api.sent(ALICE)[before:]
    assert [HELP in r["text"] for r in replies].count(True) == 1 and replies[0]["text"].startswith(HELP), (
        "the help once, then the menu"
    )


# --- WhatsApp ------------------------------------------------------------------------------------


async def test_whatsapp_signature_and_verify_token_in_odd_characters_are_refused(
    wa: WhatsAppHarness,  # noqa: F811
) -> None:
    body = json.dumps(webhook(wa.message(WA_ALICE, "text", {"body": "halo"}))).encode()
    digits = signed(body).removeprefix("sha256=")
    for raw in (
        ("sha256=é" + digits[1:]).encode(),
        ("sha256=" + "\u0663" * 64).encode(),  # Arabic-Indic digits
        b"sha256=\xff\xfe" + digits[2:].encode(),
        b"sha256=" + digits.encode() + b"\xc3",
    ):
        status = await raw_post(
            wa.service.web_port, "/whatsapp/webhook", [(b"X-Hub-Signature-256", raw)], body
        )
        assert status == 401, raw
    async with aiohttp.ClientSession() as http:
        for token in ("verifikasi-é", "\u0663\u0664", VERIFY_TOKEN + "ü"):
            url = f"{wa.webhook_url}?hub.mode=subscribe&hub.challenge=42&hub.verify_token={quote(token)}"
            async with http.get(url) as response:
                assert response.status == 403, token
        url = f"{wa.webhook_url}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=%FF%FE"
        async with http.get(url) as response:
            assert response.status == 403
    assert wa.api.sent(WA_ALICE) == []


async def test_whatsapp_deeply_nested_json_with_a_valid_signature_is_a_bad_request(
    wa: WhatsAppHarness,  # noqa: F811
) -> None:
    body = deeply_nested()
    assert await wa.post(None, signature=signed(body), raw=body) == 400
    payload = json.dumps(webhook(wa.message(WA_ALICE, "text", {"body": "halo"})))
    inside = (payload[:-1] + ', "extra": ' + "[" * DEEP + "]" * DEEP + "}").encode()
    assert await wa.post(None, signature=signed(inside), raw=inside) == 400
    assert await wa.say(WA_ALICE, "halo"), "and the bot goes on"


async def test_whatsapp_database_refusing_answers_503_then_handles_the_resend_once(
    wa: WhatsAppHarness,  # noqa: F811
) -> None:
    await wa.onboard(WA_ALICE)
    before = len(wa.api.sent(WA_ALICE))
    message = webhook(wa.message(WA_ALICE, "text", {"body": "/bantuan"}))
    await rename_table(wa, "users", "users_away")
    try:
        assert await wa.post(message) == 503
        await wa.service.channels["whatsapp"].idle()
        assert wa.api.sent(WA_ALICE)[before:] == []
    finally:
        await rename_table(wa, "users_away", "users")
    assert await wa.post(message) == 200
    assert await wa.post(message) == 200  # WhatsApp re-sends again: recognised
    await wa.service.channels["whatsapp"].idle()
    replies = wa.api.sent(WA_ALICE)[before:]
    assert [HELP in r["text"] for r in replies].count(True) == 1 and replies[0]["text"].startswith(HELP), (
        "the help once, then the menu"
    )
