"""A fake Telegram Bot API server on 127.0.0.1: answers like the real one, records calls, fails on demand.

As strict as Telegram where it matters: a bot may not write first to someone who never wrote to it
(403 "bot can't initiate conversation"), texts over 4,096 characters, captions over 1,024 and
callback_data over 64 bytes are refused (400), and getUpdates keeps returning an update until a
later call's offset confirms it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.waiting import wait_for_count

# Bots may download files of up to 20 MB (getFile refuses bigger ones).
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Sigap", "username": "SigapTestBot"}
# Telegram's limits, counted as it counts them: UTF-16 code units of the text after entity parsing.
MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_DATA_BYTES = 4096, 1024, 64
SENDS = ("sendmessage", "sendphoto", "senddocument")
DESCRIPTIONS = {
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
}
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"


@dataclass
class Call:
    token: str
    method: str
    params: dict[str, Any]


@dataclass
class Fault:
    method: str
    status: int
    retry_after: int | None = None
    times: int = 1
    delay: float = 0.0  # seconds to hang before answering (to provoke client timeouts)
    chat_id: str | None = None  # only calls to this chat


@dataclass
class FakeBotAPI:
    calls: list[Call] = field(default_factory=list)
    blocked_chats: set[str] = field(default_factory=set)
    # Chats whose user has written to the bot (an update came from them): the only ones it may
    # write to. strict_first_contact=False only for the stand-alone server of the benchmarks,
    # which post their updates straight to the bot and so never pass through this fake.
    opened_chats: set[str] = field(default_factory=set)
    strict_first_contact: bool = True
    # What was refused, with Telegram's description (a test that expects none asserts it is empty).
    refused: list[tuple[str, str]] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)
    base_url: str = ""
    # Updates not yet confirmed by a getUpdates offset, in order.
    _pending_updates: list[dict[str, Any]] = field(default_factory=list)
    _update_arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # The offsets getUpdates was called with, in order (what a test reads to see confirmations).
    offsets: list[int] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _message_id: int = 0
    _sent_event: asyncio.Event = field(default_factory=asyncio.Event)
    # Like Telegram's flood control: a send that would make more than rate_limit in any one second
    # (a sliding window, not whole clock seconds) gets 429 retry_after=1, as does one to a chat
    # that already had per_chat_limit sends in the last second. Each refusal counts.
    rate_limit: int | None = None
    rate_limited: int = 0
    per_chat_limit: int | None = None
    chat_limited: int = 0
    _recent: deque[float] = field(default_factory=deque)
    # When the first and the last message were accepted (monotonic): the rate a benchmark reports
    # is measured between them, not over partial seconds at either end.
    first_at: float = 0.0
    last_at: float = 0.0
    _recent_per_chat: dict[str, deque[float]] = field(default_factory=dict)
    # Each send is held this long before it counts (a slow network); sends in progress now:
    send_delay: float = 0.0
    in_flight: int = 0
    delivered_per_chat: dict[str, int] = field(default_factory=dict)
    # What each chat received, in order (sent() would otherwise scan every call: slow under load).
    _received: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _received_all: list[dict[str, Any]] = field(default_factory=list)
    # Like Telegram, a token it does not know gets 401 Unauthorized (None: any token is a bot's).
    token: str | None = None
    # The webhook as Telegram keeps it: set by setWebhook, reported by getWebhookInfo with
    # Telegram's own last delivery error and the updates waiting, which a test may set.
    webhook_url: str = ""
    webhook_error: str = ""
    pending_updates: int = 0
    # Files users sent, by file id, for getFile and the file download (photos, documents).
    files: dict[str, bytes] = field(default_factory=dict)
    _paths: dict[str, str] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)  # file ids downloaded, in order

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # Like Telegram, a request that arrived is carried out even if its client goes away before
        # the answer (a sender killed mid-send): the message is delivered, the client never knows.
        # A test's end waits at most a second for such a request.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=False, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- steering the fake -------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        status: int,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        chat_id: int | str | None = None,
    ) -> None:
        chat = None if chat_id is None else str(chat_id)
        self.faults.append(Fault(method, status, retry_after, times, delay, chat))

    def block(self, chat_id: int | str) -> None:
        self.blocked_chats.add(str(chat_id))

    def add_file(self, file_id: str, content: bytes) -> None:
        """A file a user sent: getFile describes it and /file/bot<token>/<path> serves it."""
        self.files[file_id] = content

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (long polling); its sender has now written to the bot."""
        self.open_chat_of(update)
        self._pending_updates.append(update)
        self._update_arrived.set()

    def open_chat(self, chat_id: int | str) -> None:
        """The user wrote to the bot (in webhook mode the test posts the update itself)."""
        self.opened_chats.add(str(chat_id))

    def open_chat_of(self, update: Any) -> None:
        """The chat an update came from has written to the bot (anything malformed: nobody)."""
        if not isinstance(update, dict):
            return
        for kind in ("message", "callback_query"):
            event = update.get(kind)
            if not isinstance(event, dict):
                continue
            message = event if kind == "message" else event.get("message")
            chat = message.get("chat") if isinstance(message, dict) else None
            sender = event.get("from")
            if isinstance(chat, dict) and "id" in chat:
                self.open_chat(chat["id"])
            elif isinstance(sender, dict) and "id" in sender:
                self.open_chat(sender["id"])

    @property
    def unconfirmed_updates(self) -> list[int]:
        return [update["update_id"] for update in self._pending_updates]

    # --- reading what happened ---------------------------------------------------------------
    def documents(self, chat_id: int | str) -> list[dict[str, Any]]:
        """Files delivered with sendDocument: {"filename", "content"} plus the caption (a refused or
        failed call, to a blocked chat for instance, delivered nothing)."""
        return [
            {**c.params["document"], "caption": c.params.get("caption", "")}
            for c in self.calls
            if c.method == "senddocument"
            and c.params.get("_delivered")
            and str(c.params.get("chat_id")) == str(chat_id)
        ]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def sent(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Successfully answered sendMessage / sendPhoto calls (what a user really received)."""
        if chat_id is None:
            return list(self._received_all)
        return list(self._received.get(str(chat_id), ()))

    async def wait_for_sent(self, count: int, chat_id: int | str | None = None, within: float = 60.0) -> None:
        await wait_for_count(lambda: len(self.sent(chat_id)), count, self._sent_event, within)

    async def wait_for_text(self, chat_id: int | str, starting_with: str, within: float = 60.0) -> str:
        """The first text the chat received that starts so, once it arrives (the outbox may send
        it, and clear its stored copy, at any moment after it is queued)."""

        def matching() -> list[str]:
            texts = (str(m.get("text", m.get("caption", ""))) for m in self.sent(chat_id))
            return [text for text in texts if text.startswith(starting_with)]

        await wait_for_count(lambda: len(matching()), 1, self._sent_event, within)
        return matching()[0]

    # --- the API ----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        params = await self._params(request)
        call = Call(request.match_info["token"], method, params)
        self.calls.append(call)
        if self.token is not None and call.token != self.token:
            return self._error(401)
        fault = self._take_fault(method, str(params.get("chat_id", "")))
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            return self._error(fault.status, fault.retry_after)
        if method in SENDS and str(params.get("chat_id")) in self.blocked_chats:
            return self._error(403)
        if method == "getfile" and params.get("file_id") not in self.files:
            return self._error(400, description="Bad Request: invalid file_id")
        if method == "getfile" and len(self.files[params["file_id"]]) > MAX_DOWNLOAD_BYTES:
            return self._error(400, description="Bad Request: file is too big")
        problem = self._refusal(method, params)
        if problem is not None:
            status, description = problem
            self.refused.append((method, description))
            return self._error(status, description=description)
        if method in ("sendmessage", "sendphoto") and self.send_delay:
            # A client that dies meanwhile cancels this handler: the message never counts.
            self.in_flight += 1
            try:
                await asyncio.sleep(self.send_delay)
            finally:
                self.in_flight -= 1
        if method in ("sendmessage", "sendphoto"):
            limited = self._over_rate(str(params.get("chat_id")))
            if limited:
                return self._error(429, retry_after=1)
        result = await self._result(method, params)
        if method in ("sendmessage", "sendphoto"):
            params["_delivered"] = True
            chat = str(params.get("chat_id"))
            self.delivered_per_chat[chat] = self.delivered_per_chat.get(chat, 0) + 1
            self.last_at = time.monotonic()
            self.first_at = self.first_at or self.last_at
            self._received.setdefault(chat, []).append(params)
            self._received_all.append(params)
            self._sent_event.set()
        if method == "senddocument":
            params["_delivered"] = True
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = {"filename": value.filename, "content": value.file.read()}
                else:
                    params[key] = str(value)
            # The Bot API's multipart form names uploaded files "attach://<field>".
            for key, value in list(params.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    params[key] = params.pop(value.removeprefix("attach://"))
        for key in ("reply_markup", "allowed_updates"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    def _refusal(self, method: str, params: dict[str, Any]) -> tuple[int, str] | None:
        """What Telegram refuses of a send: a first message to someone who never wrote, too long
        a text or caption, callback data over 64 bytes."""
        if method not in SENDS:
            return None
        if self.strict_first_contact and str(params.get("chat_id")) not in self.opened_chats:
            return 403, CANT_INITIATE
        if method == "sendmessage":
            text = str(params.get("text", ""))
            if not text.strip():
                return 400, "Bad Request: message text is empty"
            if _length(text) > MAX_TEXT:
                return 400, "Bad Request: message is too long"
        elif _length(str(params.get("caption", ""))) > MAX_CAPTION:
            return 400, "Bad Request: message caption is too long"
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                    return 400, "Bad Request: BUTTON_DATA_INVALID"
        return None

    def _over_rate(self, chat: str) -> bool:
        """Whether this send breaks a limit, by the sends accepted in the second before it."""
        now = time.monotonic()
        if self.rate_limit is not None:
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.rate_limit:
                self.rate_limited += 1
                return True
        if self.per_chat_limit is not None:
            recent = self._recent_per_chat.setdefault(chat, deque())
            while recent and recent[0] <= now - 1.0:
                recent.popleft()
            if len(recent) >= self.per_chat_limit:
                self.chat_limited += 1
                return True
            recent.append(now)
        if self.rate_limit is not None:
            self._recent.append(now)
        return False

    async def _stats(self, _request: web.Request) -> web.Response:
        counts = list(self.delivered_per_chat.values())
        return web.json_response(
            {
                "delivered": sum(counts),
                "chats": len(counts),
                "duplicates": sum(n - 1 for n in counts if n > 1),
                "rate_limited": self.rate_limited,
                "chat_limited": self.chat_limited,
                "first_at": self.first_at,
                "last_at": self.last_at,
            }
        )

    def _take_fault(self, method: str, chat_id: str) -> Fault | None:
        for fault in self.faults:
            if fault.method.lower() == method and fault.chat_id in (None, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def _error(self, status: int, retry_after: int | None = None, description: str = "") -> web.Response:
        if not description and status == 429:
            description = f"Too Many Requests: retry after {retry_after}"
        if not description and status == 400:
            description = "Bad Request: message text is empty"
        body: dict[str, Any] = {
            "ok": False,
            "error_code": status,
            "description": description or DESCRIPTIONS.get(status, "Internal Server Error"),
        }
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getme":
            return BOT_USER
        if method in ("sendmessage", "sendphoto"):
            self._message_id += 1
            chat_id = int(params["chat_id"])
            message = {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
            }
            if method == "sendphoto":
                message["caption"] = params.get("caption", "")
                photo = params.get("photo", "")
                file_id = photo if isinstance(photo, str) else f"uploaded{self._message_id}"
                message["photo"] = [{"file_id": file_id, "file_unique_id": "u", "width": 1, "height": 1}]
                params.setdefault("text", params.get("caption", ""))
            else:
                message["text"] = params.get("text", "")
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "getupdates":
            return await self._get_updates(params)
        if method == "getfile":
            return self._describe_file(str(params["file_id"]))
        if method == "senddocument":
            self._message_id += 1
            return {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "document": {
                    "file_id": f"doc{self._message_id}",
                    "file_unique_id": "d",
                    "file_name": params["document"]["filename"],
                },
            }
        if method in ("setwebhook", "deletewebhook"):
            self.webhook_url = params.get("url", "") if method == "setwebhook" else ""
            self.webhook_error = ""
        if method == "getwebhookinfo":
            return self._webhook_info()
        return True  # answerCallbackQuery, setWebhook, deleteWebhook, ...

    def _webhook_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": self.pending_updates,
        }
        if self.webhook_url:
            info["max_connections"] = 40
        if self.webhook_error:
            info["last_error_date"] = int(time.time()) - 60
            info["last_error_message"] = self.webhook_error
        return info

    def _describe_file(self, file_id: str) -> dict[str, Any]:
        content = self.files[file_id]  # _handle answered 400 for unknown ids
        self._paths[f"photos/{file_id}.jpg"] = file_id
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": f"photos/{file_id}.jpg",
        }

    async def _download(self, request: web.Request) -> web.Response:
        """Like Telegram: only a path that getFile gave, with the bot's token in the URL."""
        file_id = self._paths.get(request.match_info["path"])
        known = {call.token for call in self.calls if call.method == "getfile"}
        if file_id is None or request.match_info["token"] not in known:
            return web.Response(status=404, text="Not Found")
        self.downloads.append(file_id)
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Like Telegram: an offset confirms every update below it, which is then gone for good;
        the others are returned again and again until confirmed (up to `limit`, oldest first)."""
        offset = int(params.get("offset", 0) or 0)
        self.offsets.append(offset)
        self._pending_updates = [u for u in self._pending_updates if u["update_id"] >= offset]
        limit = int(params.get("limit", 100) or 100)
        timeout = min(float(params.get("timeout", 0) or 0), 1.0)
        if not self._pending_updates:
            self._update_arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._update_arrived.wait(), timeout or 0.01)
        return self._pending_updates[:limit]


def _length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


async def _serve_forever(port: int, rate_limit: int | None, per_chat_limit: int | None) -> None:
    # The benchmarks post updates straight to the bot's webhook, so this server never sees who
    # wrote: it lets the bot write to any chat. The in-process fake of the tests is strict.
    api = FakeBotAPI(rate_limit=rate_limit, per_chat_limit=per_chat_limit, strict_first_contact=False)
    app = web.Application()
    app.router.add_get("/stats", api._stats)
    app.router.add_route("*", "/bot{token}/{method}", api._handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"http://127.0.0.1:{runner.addresses[0][1]}", flush=True)
    # Keep memory flat in long benchmark runs: the per-chat counts are all the stats need.
    while True:
        await asyncio.sleep(1)
        api.calls.clear()
        if len(api._recent_per_chat) > 100_000:  # only the last second matters
            cut = time.monotonic() - 1.0
            api._recent_per_chat = {c: r for c, r in api._recent_per_chat.items() if r and r[-1] > cut}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="fake Telegram Bot API on 127.0.0.1")
    parser.add_argument("port", nargs="?", type=int, default=0)
    parser.add_argument("--rate-limit", type=int, help="messages per second before answering 429")
    parser.add_argument("--per-chat-limit", type=int, help="messages per second to one chat before 429")
    arguments = parser.parse_args()
    asyncio.run(_serve_forever(arguments.port, arguments.rate_limit, arguments.per_chat_limit))
