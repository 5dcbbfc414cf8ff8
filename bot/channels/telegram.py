"""Telegram transport: aiogram's Bot and types turned into Incoming in, Reply out; no business logic."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    GetFile,
    GetUpdates,
    SendDocument,
    SendPhoto,
    SetWebhook,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiohttp import web
from pydantic import ValidationError

from bot.channels.base import Channel, ChannelContext, Route, send_replies
from bot.channels.telegram_inbound import InboundCallbackQuery, InboundMessage, InboundUpdate
from bot.channels.telegram_polling import UpdatePoller
from bot.channels.telegram_send import SendText, TelegramSession
from bot.delivery import Blocked, NotStarted, Permanent, RetryLater, RetryPolicy, Transient, deliver
from bot.engine import ConversationEngine, PictureToRead, TemporaryFailure
from bot.picture_text import PictureRefused
from bot.web import Handler, same_secret
from ground.messages import SHORT_TEXT_LIMIT, TEXT_LIMIT, Button, Incoming, IncomingKind, Reply, split_text

log = logging.getLogger(__name__)

# pydantic holds a parametrised generic model only weakly, so a garbage collection drops aiogram's
# Response[Message] and the next send builds it again (about 50 ms each time: a fifth of the
# outbox sender's time at 500 sends a second, seen with py-spy in bench/queue_delivery.py).
# Holding the response types of the methods Sigap calls keeps each one built once.
RESPONSE_TYPES = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        SendText,
        SendPhoto,
        SendDocument,
        AnswerCallbackQuery,
        GetFile,
        GetUpdates,
        SetWebhook,
        DeleteWebhook,
    )
)

CHANNEL = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Pictures sent as files that Sigap can read (a job ad's screenshot sent "as a file").
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


def incoming_from_message(message: Message | InboundMessage, update_id: int) -> Incoming | None:
    if message.from_user is None:  # channel posts and the like: nobody to talk to
        return None
    text = message.text or ""
    kind: IncomingKind
    if text.startswith("/"):
        kind = "command"
    elif message.text is not None:
        kind = "text"
    elif message.photo:
        kind = "photo"
    elif message.document is not None and message.document.mime_type in IMAGE_TYPES:
        kind = "image"
    else:
        kind = "unsupported"  # stickers, other files, voice, locations ...
    picture = ""
    if message.photo:
        picture = message.photo[-1].file_id  # the largest size
    elif kind == "image" and message.document is not None:
        picture = message.document.file_id
    return Incoming(
        channel=CHANNEL,
        user_id=str(message.from_user.id),
        chat_id=str(message.chat.id),
        kind=kind,
        text=text or (message.caption or ""),
        update_key=str(update_id),
        photo=picture,
        private=message.chat.type == "private",
    )


def incoming_from_callback(query: CallbackQuery | InboundCallbackQuery, update_id: int) -> Incoming:
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    return Incoming(
        channel=CHANNEL,
        user_id=str(query.from_user.id),
        chat_id=str(chat_id),
        kind="button",
        data=query.data or "",
        update_key=str(update_id),
    )


@dataclass(frozen=True)
class Webhook:
    """Webhook mode: where Telegram posts updates, the secret it sends with each, and the public
    URL to register (empty: the operator registered it already)."""

    path: str
    secret: str
    url: str = ""


def from_settings(context: ChannelContext) -> Channel:
    settings = context.settings
    # registry.check made sure of the token, and of the secret in webhook mode.
    assert settings.telegram_token is not None
    webhook = None
    if settings.telegram.mode == "webhook":
        assert settings.telegram_webhook_secret is not None
        webhook = Webhook(
            settings.telegram.webhook_path,
            settings.telegram_webhook_secret.get_secret_value(),
            settings.telegram.webhook_url,
        )
    return TelegramChannel(
        settings.telegram_token.get_secret_value(),
        settings.telegram.api_base,
        context.engine,
        context.policy,
        settings.telegram.request_timeout,
        webhook=webhook,
        messages_per_second=settings.delivery.telegram_messages_per_second,
    )


def _photo_name(mime: str) -> str:
    """Telegram guesses the picture's format from the upload's file name."""
    return "photo.png" if mime == "image/png" else "photo.jpg"


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    return _keyboard(reply.buttons) if reply.buttons else None


# The same few keyboards (menu, answer buttons) are sent again and again; building the pydantic
# models is a measurable part of sending a message (bench/updates.py).
@functools.lru_cache(maxsize=1024)
def _keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=button.label, callback_data=button.data) for button in row]
            for row in rows
        ]
    )


@functools.lru_cache(maxsize=1024)
def keyboard_json(rows: tuple[tuple[Button, ...], ...]) -> str:
    """The keyboard as SendText posts it (bot/channels/telegram_send.py): aiogram's own markup,
    dumped once per keyboard instead of at every send."""
    return _keyboard(rows).model_dump_json(exclude_none=True)


class TelegramChannel:
    name = CHANNEL
    session_window = None  # a bot may write to anyone who has not blocked it

    def __init__(
        self,
        token: str,
        api_base: str,
        engine: ConversationEngine,
        policy: RetryPolicy,
        request_timeout: float = 30.0,
        *,
        webhook: Webhook | None = None,
        messages_per_second: int | None = None,
    ) -> None:
        self._webhook = webhook  # None: long polling
        self.messages_per_second = messages_per_second
        session = TelegramSession(api=TelegramAPIServer.from_base(api_base), timeout=request_timeout)
        self.bot = Bot(token, session=session)
        self._engine = engine
        self._policy = policy
        self._background: set[asyncio.Task[None]] = set()
        self._poller = UpdatePoller(self.bot, self._feed_polled, policy, ALLOWED_UPDATES)

    async def _on_message(self, message: Message | InboundMessage, update_id: int, via_webhook: bool) -> None:
        incoming = incoming_from_message(message, update_id)
        if incoming is None:
            return
        if not via_webhook:
            await self._converse(incoming)
            return
        try:
            replies = await self._engine.handle(incoming, read_pictures=False)
        except PictureToRead:
            # Reading a picture takes seconds: a webhook answers first and the ad's picture is
            # read just after (a crash in those seconds loses that picture: the user can send it
            # again; nothing was stored). Every other message, a report's photo too, is handled
            # before the answer, so Telegram re-delivers it after a crash.
            self._in_background(self._converse_later(incoming))
            return
        await send_replies(self, self._engine, incoming.chat_id, replies)

    async def _on_callback(
        self, query: CallbackQuery | InboundCallbackQuery, update_id: int, via_webhook: bool
    ) -> None:
        if not via_webhook:  # a webhook answers the query in its HTTP response instead
            try:  # stops the spinner on the pressed button; the answer itself comes as a message
                await self.bot.answer_callback_query(query.id)
            except TelegramAPIError as exc:
                log.info("could not answer a callback query: %s", type(exc).__name__)
        await self._converse(incoming_from_callback(query, update_id))

    async def _converse(self, incoming: Incoming) -> None:
        await send_replies(self, self._engine, incoming.chat_id, await self._engine.handle(incoming))

    async def download_picture(self, file_id: str, max_bytes: int) -> bytes:
        """A photo or image file the user sent, refused above max_bytes before downloading it."""
        found = await self.bot.get_file(file_id)
        if (found.file_size or 0) > max_bytes:
            raise PictureRefused("too_large")
        if not found.file_path:
            raise PictureRefused("not_downloaded")
        downloaded = await self.bot.download_file(found.file_path)
        data = downloaded.read() if downloaded is not None else b""
        if len(data) > max_bytes:
            raise PictureRefused("too_large")
        return data

    async def send(self, chat_id: str, reply: Reply) -> str:
        return await deliver(lambda: self.send_once(chat_id, reply), self._policy)

    async def send_once(self, chat_id: str, reply: Reply) -> str:
        """Returns "": Telegram sends no delivery reports to match message ids against. A text
        longer than a message or a caption holds goes on in further messages, the buttons with
        the last."""
        try:
            await self._send(int(chat_id), reply)
        except TelegramRetryAfter as exc:
            raise RetryLater(float(exc.retry_after)) from exc
        except TelegramForbiddenError as exc:
            if "can't initiate" in exc.message:
                raise NotStarted(exc.message) from exc
            raise Blocked(exc.message) from exc
        except (TimeoutError, TelegramServerError, TelegramNetworkError, ClientDecodeError) as exc:
            # ClientDecodeError: an answer that is not JSON (a proxy's error page): try again.
            raise Transient(type(exc).__name__) from exc
        except TelegramAPIError as exc:
            raise Permanent(exc.message) from exc
        return ""

    async def _send(self, chat: int, reply: Reply) -> None:
        if reply.document or reply.photo or reply.photo_data:
            markup = keyboard(reply)
            caption, *rest = split_text(reply.text, TEXT_LIMIT, first=SHORT_TEXT_LIMIT)
            if reply.document:
                document = BufferedInputFile(reply.document, filename=reply.document_name)
                await self.bot.send_document(chat_id=chat, document=document, caption=caption)
            else:
                photo = (
                    BufferedInputFile(reply.photo_data, filename=_photo_name(reply.photo_mime))
                    if reply.photo_data
                    else reply.photo
                )
                await self.bot.send_photo(
                    chat_id=chat, photo=photo, caption=caption, reply_markup=None if rest else markup
                )
                if not rest:
                    return
        else:
            rest = split_text(reply.text, TEXT_LIMIT)
        buttons = keyboard_json(reply.buttons) if reply.buttons else None
        for number, text in enumerate(rest, start=1):
            await self.bot(
                SendText(chat_id=str(chat), text=text, reply_markup=buttons if number == len(rest) else None)
            )

    async def feed_webhook(self, payload: dict[str, object]) -> dict[str, object]:
        """Handles a webhook update; returns the webhook's response body.

        Telegram runs a method given in the response body, which saves a request per button
        press: the callback query is answered there (after our reply was sent).
        """
        update = InboundUpdate.model_validate(payload)  # what Sigap reads of it (telegram_inbound)
        await self._dispatch(update, via_webhook=True)
        if update.callback_query is not None:
            return {"method": "answerCallbackQuery", "callback_query_id": update.callback_query.id}
        return {}

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _converse_later(self, incoming: Incoming) -> None:
        """The webhook was answered already, so a database outage is waited out here."""
        for attempt in range(1, self._policy.max_attempts + 1):
            try:
                await self._converse(incoming)
                return
            except TemporaryFailure:
                await asyncio.sleep(self._policy.backoff(attempt))
            except Exception:
                log.exception("telegram picture message not handled")
                return
        log.error("telegram picture message dropped: the database stayed unavailable")

    async def idle(self) -> None:
        """Waits until every picture message received so far has been handled (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    def webhook_handler(self, secret: str) -> Handler:
        """aiohttp handler: checks Telegram's secret header, then handles the update before answering.

        The update is handled before the 200 (not in the background), so a crash makes Telegram
        re-deliver it instead of losing it; re-deliveries are recognised by update_id.
        """

        async def handle(request: web.Request) -> web.Response:
            if not same_secret(request.headers.get(SECRET_HEADER, ""), secret):
                log.warning("telegram webhook: request without the right secret token refused")
                return web.json_response({"ok": False}, status=401)
            try:
                payload = json.loads(await request.read())
            except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
                return web.json_response({"ok": False, "error": "malformed JSON"}, status=400)
            if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
                return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
            try:
                answer = await self.feed_webhook(payload)
            except (ValidationError, RecursionError):
                return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
            except TemporaryFailure:
                # Any database failure: nothing was committed, and Telegram re-delivers on a 503.
                return web.json_response({"ok": False, "error": "try again"}, status=503)
            return web.json_response(answer)

        return handle

    def routes(self) -> list[Route]:
        if self._webhook is None:
            return []
        return [("POST", self._webhook.path, self.webhook_handler(self._webhook.secret))]

    async def start(self) -> asyncio.Task[None] | None:
        if self._webhook is not None:
            if self._webhook.url:
                await self.set_webhook(self._webhook.url, self._webhook.secret)
            return None
        log.info("polling Telegram for updates")
        return asyncio.create_task(self.start_polling())

    async def stop(self) -> None:
        await self.stop_polling()

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def start_polling(self) -> None:
        """Long polling until stop_polling(); an update is confirmed only after its turn committed
        (bot/channels/telegram_polling.py), like the webhook, which answers after handling."""
        # getUpdates is refused while a webhook is set; polling mode means no webhook.
        await self.bot.delete_webhook(drop_pending_updates=False)
        await self._poller.run()

    async def stop_polling(self) -> None:
        await self._poller.stop()

    async def _feed_polled(self, update: Update) -> None:
        await self._dispatch(update, via_webhook=False)

    async def _dispatch(self, update: Update | InboundUpdate, via_webhook: bool) -> None:
        """A message or a button press to its handler; other updates (edits, channel posts ...)
        are not asked for (ALLOWED_UPDATES) and are dropped. What aiogram's Dispatcher did with
        a router of these two handlers, without its layers (error, user-context and FSM
        middlewares, observers, filters) that Sigap does not use: 5 % of an update's CPU in
        bench/updates.py. A message before a button press, as aiogram looked for them."""
        if update.message is not None:
            await self._on_message(update.message, update.update_id, via_webhook)
        elif update.callback_query is not None:
            await self._on_callback(update.callback_query, update.update_id, via_webhook)

    async def close(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle(), timeout=30)
        await self.bot.session.close()
