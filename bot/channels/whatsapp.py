"""WhatsApp transport: signed Cloud API webhooks in, Graph API calls over httpx out; no business logic.

The webhook checks the signature and JSON, handles each message's turn (committed) and only then
answers 200; a database failure answers 503, so WhatsApp re-sends the webhook and nothing is lost
(re-deliveries are recognised by message id in the engine). Replies and delivery reports are
sent and recorded after the answer. Payloads are built in whatsapp_format, against Meta's OpenAPI
description."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
from collections.abc import Coroutine, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
from aiohttp import web

from bot.channels.base import Channel, ChannelContext, Route, StatusSink, send_replies
from bot.channels.whatsapp_format import (
    CHANNEL,
    challenge_answer,
    document_payload,
    image_payload,
    payloads,
    read_webhook,
    signature_is_valid,
    template_payload,
    text_payload,
    with_caption,
)
from bot.config import WhatsAppTemplate
from bot.delivery import (
    DeliveryError,
    Permanent,
    RetryLater,
    RetryPolicy,
    Transient,
    Unauthorized,
    WindowClosed,
    deliver,
)
from bot.engine import ConversationEngine, PictureToRead, TemporaryFailure
from ground.messages import DeliveryStatus, Incoming, Reply, Template

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
# Cloud API error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
INVALID_TOKEN, REENGAGEMENT_REQUIRED, UNDELIVERABLE = 190, 131047, 131026
# Throughput (130429), pair rate (131056: too many messages to one user), app and account limits;
# WhatsApp seldom says how long to wait, so these are our waits in seconds.
RATE_LIMITED = {130429: 2.0, 131056: 6.0, 4: 60.0, 80007: 60.0}
# The documents WhatsApp sends (developers.facebook.com/docs/whatsapp/cloud-api/reference/media);
# a CSV file is not one of them.
DOCUMENT_TYPES = frozenset(
    {
        "text/plain",
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
# Delivery reports can arrive before the sender has recorded the send they refer to (by seconds
# on a loaded server, or from another process's sender): those are tried again every second for a
# minute, all in one look-up. Most never match (direct replies are not in the outbox); the
# bound keeps a flood of them from growing memory.
LATE_REPORT_SECONDS, LATE_REPORT_TRIES, LATE_REPORTS_KEPT = 1.0, 60, 50_000


def from_settings(context: ChannelContext) -> Channel:
    settings = context.settings
    # registry.check made sure of these.
    assert settings.whatsapp_token is not None
    assert settings.whatsapp_app_secret is not None and settings.whatsapp_verify_token is not None
    wa = settings.whatsapp
    return WhatsAppChannel(
        api_base=wa.api_base,
        api_version=wa.api_version,
        phone_number_id=wa.phone_number_id,
        token=settings.whatsapp_token.get_secret_value(),
        app_secret=settings.whatsapp_app_secret.get_secret_value(),
        verify_token=settings.whatsapp_verify_token.get_secret_value(),
        templates=wa.templates,
        engine=context.engine,
        policy=context.policy,
        on_statuses=context.on_statuses,
        request_timeout=wa.request_timeout,
        max_media_bytes=wa.max_media_bytes,
        webhook_path=wa.webhook_path,
        messages_per_second=wa.messages_per_second,
    )


class WhatsAppChannel:
    name = CHANNEL
    # Free-form messages reach a user only within 24 hours of their last message (a platform rule).
    session_window = timedelta(hours=24)

    def __init__(
        self,
        *,
        api_base: str,
        api_version: str,
        phone_number_id: str,
        token: str,
        app_secret: str,
        verify_token: str,
        templates: Mapping[str, WhatsAppTemplate],
        engine: ConversationEngine,
        policy: RetryPolicy,
        on_statuses: StatusSink,
        request_timeout: float = 30.0,
        max_media_bytes: int = 5_000_000,
        webhook_path: str = "/whatsapp/webhook",
        messages_per_second: int | None = None,
    ) -> None:
        self._webhook_path = webhook_path
        self.messages_per_second = messages_per_second
        self._client = httpx.AsyncClient(
            base_url=f"{api_base.rstrip('/')}/{api_version}/",
            headers={"Authorization": f"Bearer {token}"},
            timeout=request_timeout,
        )
        self._phone_number_id = phone_number_id
        self._app_secret = app_secret
        self._verify_token = verify_token
        self._templates = templates
        self._engine = engine
        self._policy = policy
        self._on_statuses = on_statuses
        self._max_media_bytes = max_media_bytes
        self._background: set[asyncio.Task[None]] = set()
        # Reports that matched no recorded send yet, with the tries left: see LATE_REPORT_SECONDS.
        self._late_reports: dict[DeliveryStatus, int] = {}
        self._late_task: asyncio.Task[None] | None = None
        # The last reply-sending task of each chat: the next one waits for it (order kept).
        self._sending: dict[str, asyncio.Task[None]] = {}
        # Set once WhatsApp refuses our token: nothing more is tried until the operator restarts.
        self.refused: str | None = None

    # --- webhook -------------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        path = self._webhook_path
        return [("GET", path, self._verify), ("POST", path, self._receive)]

    async def start(self) -> asyncio.Task[None] | None:
        return None  # the webhook is registered in Meta's App Dashboard, by the operator

    async def stop(self) -> None:
        return None  # the web server stops taking webhooks; close() finishes what was taken

    async def _verify(self, request: web.Request) -> web.Response:
        answer = challenge_answer(dict(request.query), self._verify_token)
        if answer is None:
            log.warning("whatsapp webhook: verification with a wrong token or mode refused")
            return web.Response(status=403, text="forbidden")
        return web.Response(text=answer)

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()  # aiohttp refuses bodies over web.max_body_bytes with 413
        if not signature_is_valid(body, request.headers.get(SIGNATURE_HEADER), self._app_secret):
            log.warning("whatsapp webhook: request without a valid signature refused")
            return web.json_response({"ok": False}, status=401)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
            log.warning("whatsapp webhook: malformed JSON refused (%d bytes)", len(body))
            return web.json_response({"ok": False, "error": "malformed JSON"}, status=400)
        if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
            log.warning("whatsapp webhook: not a WhatsApp Business payload, refused")
            return web.json_response({"ok": False, "error": "not a WhatsApp payload"}, status=400)
        incoming, statuses = read_webhook(payload)
        if statuses:  # a delivery report that is lost only leaves a message marked "sent"
            self._in_background(self._record_statuses(statuses))
        try:
            for message in incoming:  # in the order WhatsApp gave them
                await self._converse(message)
        except TemporaryFailure:
            # The database failed: nothing of this message was committed. WhatsApp re-sends a
            # webhook not answered 200; the messages handled before it are recognised then.
            return web.json_response({"ok": False, "error": "try again"}, status=503)
        return web.json_response({"ok": True})

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def idle(self) -> None:
        """Waits until every reply and delivery report received so far is done (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def _record_statuses(self, statuses: list[DeliveryStatus]) -> None:
        try:
            unmatched = await self._on_statuses(statuses)
        except Exception as exc:  # the database may be away for a moment
            # The type only: a database error's text can quote the row's personal data.
            log.error("delivery reports not recorded yet: %s", type(exc).__name__)
            unmatched = statuses
        for status in unmatched:
            self._late_reports.setdefault(status, LATE_REPORT_TRIES)
        while len(self._late_reports) > LATE_REPORTS_KEPT:  # the oldest go first
            del self._late_reports[next(iter(self._late_reports))]
        if self._late_reports and (self._late_task is None or self._late_task.done()):
            self._late_task = asyncio.create_task(self._retry_late_reports())

    async def _retry_late_reports(self) -> None:
        """Not awaited by idle(): a report that never matches must not hold up a turn or a test."""
        while self._late_reports:
            await asyncio.sleep(LATE_REPORT_SECONDS)
            waiting = list(self._late_reports)
            try:
                unmatched = set(await self._on_statuses(waiting))
            except Exception as exc:
                log.error("delivery reports not recorded yet: %s", type(exc).__name__)
                unmatched = set(waiting)
            for status in waiting:
                tries = self._late_reports.pop(status, 0) - 1
                if status in unmatched and tries > 0:
                    self._late_reports[status] = tries

    async def _converse(self, incoming: Incoming) -> None:
        """The turn commits before the webhook is answered (so a crash or a database failure
        loses nothing); its replies go out after, in order behind the chat's earlier ones."""
        if incoming.kind == "photo":
            incoming = await self._with_photo(incoming)
        try:
            replies = await self._engine.handle(incoming, read_pictures=False)
        except PictureToRead:
            # Reading an ad's picture takes seconds: it is read just after the answer (a crash in
            # those seconds loses that picture, which was never stored: the user can send it again).
            self._in_chat_order(incoming.chat_id, self._read_and_answer(incoming))
            return
        if replies:
            self._in_chat_order(incoming.chat_id, send_replies(self, self._engine, incoming.chat_id, replies))

    async def _read_and_answer(self, incoming: Incoming) -> None:
        for attempt in range(1, self._policy.max_attempts + 1):
            try:
                replies = await self._engine.handle(incoming)
            except TemporaryFailure:  # the webhook was answered already: wait the outage out
                await asyncio.sleep(self._policy.backoff(attempt))
                continue
            await send_replies(self, self._engine, incoming.chat_id, replies)
            return
        log.error("whatsapp picture message dropped: the database stayed unavailable")

    def _in_chat_order(self, chat_id: str, work: Coroutine[Any, Any, None]) -> None:
        """Runs work after everything queued before for this chat (replies arrive in order)."""
        earlier = self._sending.get(chat_id)
        task = asyncio.create_task(self._after(earlier, work))
        self._sending[chat_id] = task
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(lambda done: self._forget_sending(chat_id, done))

    @staticmethod
    async def _after(earlier: asyncio.Task[None] | None, work: Coroutine[Any, Any, None]) -> None:
        if earlier is not None:
            await asyncio.gather(earlier, return_exceptions=True)
        try:
            await work
        except Exception:
            log.exception("whatsapp replies not sent")

    def _forget_sending(self, chat_id: str, done: asyncio.Task[None]) -> None:
        if self._sending.get(chat_id) is done:
            del self._sending[chat_id]

    async def _with_photo(self, incoming: Incoming) -> Incoming:
        """Downloads the picture now: its URL expires in minutes and its id in 30 days."""
        try:
            data, mime = await self.download_media(incoming.photo)
        except (DeliveryError, httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            log.warning("whatsapp photo not downloaded: %s", type(exc).__name__)
            return replace(incoming, kind="unsupported", photo="")
        return replace(incoming, photo_data=data, photo_mime=mime)

    async def download_media(self, media_id: str) -> tuple[bytes, str]:
        """GET /{media-id} gives a short-lived URL; the file itself needs the token too."""
        described = await self._call("GET", media_id)
        if int(described.get("file_size") or 0) > self._max_media_bytes:
            raise Permanent("picture too large")
        response = await self._client.get(str(described["url"]))
        if response.status_code != 200 or len(response.content) > self._max_media_bytes:
            raise Permanent(f"media download answered {response.status_code}")
        return response.content, str(described.get("mime_type") or "image/jpeg")

    # --- sending -------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> str:
        return await deliver(lambda: self.send_once(chat_id, reply), self._policy)

    async def send_once(self, chat_id: str, reply: Reply) -> str:
        if self.refused is not None:
            raise Unauthorized(self.refused)
        if reply.template is not None and not reply.text:
            return await self._post_message(self._template(chat_id, reply.template))
        if reply.document or reply.photo_data:  # uploaded, then sent with the text as caption
            caption, rest = with_caption(reply.text)
            if reply.document:  # an export
                mime = mimetypes.guess_type(reply.document_name)[0] or "application/octet-stream"
                if mime not in DOCUMENT_TYPES:  # WhatsApp would refuse the upload (131053)
                    raise Permanent(f"WhatsApp sends no {mime} documents")
                media_id = await self._upload(reply.document, mime, reply.document_name)
                payload = document_payload(chat_id, media_id, reply.document_name, caption)
            else:
                media_id = await self._upload(reply.photo_data, reply.photo_mime or "image/jpeg", "photo")
                payload = image_payload(chat_id, media_id, caption)
            message_id = await self._post_message(payload)
            for piece in rest:
                message_id = await self._post_message(text_payload(chat_id, piece))
            return message_id
        if reply.photo:  # another platform's photo id means nothing here: the caption alone
            reply = replace(reply, photo="")
        message_id = ""
        for payload in payloads(chat_id, reply)[0]:
            message_id = await self._post_message(payload)
        return message_id

    def _template(self, chat_id: str, template: Template) -> dict[str, Any]:
        configured = self._templates.get(template.purpose)
        if configured is None:
            raise Permanent(f"outside the 24-hour window and no template configured for {template.purpose}")
        language = configured.languages.get(template.language, template.language)
        return template_payload(chat_id, configured.name, language, template.params, template.button_data)

    async def _post_message(self, payload: dict[str, Any]) -> str:
        answer = await self._call("POST", f"{self._phone_number_id}/messages", json=payload)
        return str(answer["messages"][0]["id"])

    async def _upload(self, data: bytes, mime: str, filename: str) -> str:
        answer = await self._call(
            "POST",
            f"{self._phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": mime},
            files={"file": (filename, data, mime)},
        )
        return str(answer["id"])

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """One Graph API request; errors become delivery errors in the bot's own terms."""
        try:
            response = await self._client.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise Transient("timeout") from exc
        except httpx.TransportError as exc:
            raise Transient(type(exc).__name__) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.is_success and isinstance(body, dict):
            return body
        raise self._error(response, body)

    def _error(self, response: httpx.Response, body: Any) -> DeliveryError:
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        code = error.get("code") if isinstance(error.get("code"), int) else None
        detail = f"whatsapp error {code} (HTTP {response.status_code})"
        if response.status_code == 401 or code == INVALID_TOKEN:
            self.refused = detail
            log.critical(
                "WhatsApp refused the access token (%s): sending is paused until SIGAP_WHATSAPP_TOKEN "
                "is replaced and Sigap restarted; queued messages wait in the outbox",
                detail,
            )
            return Unauthorized(detail)
        if code == REENGAGEMENT_REQUIRED:
            return WindowClosed(detail)
        if code in RATE_LIMITED or response.status_code == 429:
            return RetryLater(_retry_after(response, RATE_LIMITED.get(code or 0, 5.0)))
        if code == UNDELIVERABLE:  # not on WhatsApp, an old app, terms not accepted: recorded, not retried
            return Permanent(f"undeliverable: {detail}")
        if response.status_code >= 500:
            return Transient(detail)
        return Permanent(detail)

    async def close(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle(), timeout=10)
        if self._late_task is not None:  # a report still unmatched now only leaves a row "sent"
            self._late_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._late_task
        await self._client.aclose()


def _retry_after(response: httpx.Response, default: float) -> float:
    try:
        return max(float(response.headers.get("Retry-After", default)), 0.0)
    except ValueError:
        return default
