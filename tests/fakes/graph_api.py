"""A fake WhatsApp Cloud API (Graph API) server on 127.0.0.1.

It answers like the real one: checks the bearer token (401, code 190), refuses any message the
official OpenAPI `Message` schema refuses (400, code 100), fails on demand (429 / 130429, pair rate
131056, 5xx, 131026), serves media for download and takes uploads, and, like the real platform,
reports what became of each accepted message by posting signed status webhooks back to the app:
"sent" then "delivered", or "failed" with 131047 when the user's 24-hour window is closed."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.contract.openapi import problems
from tests.fakes.waiting import wait_for_count

PHONE_NUMBER_ID = "123456"
PHONE_NUMBER = {
    "verified_name": "Sigap Test",
    "code_verification_status": "VERIFIED",
    "display_phone_number": "+1 555-000-1111",
    "quality_rating": "GREEN",
    "platform_type": "CLOUD_API",
    "throughput": {"level": "STANDARD"},
    "id": PHONE_NUMBER_ID,
}
# What WhatsApp accepts (developers.facebook.com/docs/whatsapp/cloud-api/reference/media):
# anything else is refused at upload with 131053. A CSV file is not among the documents.
SUPPORTED_MEDIA = {
    "audio/aac",
    "audio/amr",
    "audio/mpeg",
    "audio/mp4",
    "audio/ogg",
    "text/plain",
    "application/pdf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "image/jpeg",
    "image/png",
    "image/webp",
    "video/3gpp",
    "video/mp4",
}
# Lengths WhatsApp refuses beyond (characters): a text body, an interactive body, a caption.
TEXT_BODY, INTERACTIVE_BODY, CAPTION = 4096, 1024, 1024


@dataclass
class GraphFault:
    status: int
    code: int
    to: str | None = None  # only messages to this user
    times: int = 1
    retry_after: int | None = None


@dataclass
class FakeGraphAPI:
    token: str
    base_url: str = ""
    # Every message payload the fake accepted, in order, and the refused ones with the reasons.
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    refused_uploads: list[str] = field(default_factory=list)  # their MIME types
    faults: deque[GraphFault] = field(default_factory=deque)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    uploads: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    # Users whose 24-hour window is closed: free-form messages to them fail (asynchronously).
    closed_windows: set[str] = field(default_factory=set)
    requests: int = 0
    # Button, list-row and list-button titles that arrived cut ("…"): WhatsApp would show them so.
    cut_labels: list[str] = field(default_factory=list)
    _webhook: tuple[str, str] | None = None
    _runner: web.AppRunner | None = None
    _counter: int = 0
    _sent_event: asyncio.Event = field(default_factory=asyncio.Event)
    _reports: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> str:
        app = web.Application(client_max_size=20_000_000)
        app.router.add_post("/{version}/{phone}/messages", self._messages)
        app.router.add_post("/{version}/{phone}/media", self._upload)
        app.router.add_get("/download/{media_id}", self._download)
        app.router.add_get("/{version}/{media_id}", self._describe_media)
        # Like Meta, a request that arrived is carried out even if its client goes away before the
        # answer; a test's end waits at most a second for such a request.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=False, shutdown_timeout=1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.base_url

    async def stop(self) -> None:
        for task in list(self._reports):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- steering -----------------------------------------------------------------------------
    def report_statuses_to(self, webhook_url: str, app_secret: str) -> None:
        self._webhook = (webhook_url, app_secret)

    def fail_next(
        self, status: int, code: int, to: str | None = None, times: int = 1, retry_after: int | None = None
    ) -> None:
        self.faults.append(GraphFault(status, code, to, times, retry_after))

    def add_media(self, media_id: str, content: bytes, mime_type: str = "image/jpeg") -> None:
        self.media[media_id] = (content, mime_type)

    # --- reading what happened --------------------------------------------------------------
    def sent(self, to: int | str | None = None) -> list[dict[str, Any]]:
        """Accepted messages as a user sees them: {"text", "buttons", "kind", ...} plus "raw"."""
        return [_seen(p) for p in self.accepted if to is None or p["to"] == str(to)]

    async def wait_for_sent(self, count: int, chat_id: int | str | None = None, within: float = 60.0) -> None:
        await wait_for_count(lambda: len(self.sent(chat_id)), count, self._sent_event, within)

    # --- the API ------------------------------------------------------------------------------
    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    async def _messages(self, request: web.Request) -> web.Response:
        self.requests += 1
        if not self._authorised(request):
            return _error(401, 190, "Invalid OAuth access token.")
        if request.match_info["phone"] != PHONE_NUMBER_ID:
            return _error(400, 100, "Unsupported post request.")
        payload = await request.json()
        found = problems(payload) or _too_long(payload)
        if found:
            self.refused.append((payload, found))
            return _error(400, 100, "(#100) Invalid parameter")
        fault = self._take_fault(str(payload.get("to")))
        if fault is not None:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return _error(fault.status, fault.code, "fault", headers)
        self._counter += 1
        message_id = f"wamid.FAKE{self._counter}"
        self.accepted.append({**payload, "_id": message_id})
        self.cut_labels += _cut_titles(payload)
        self._sent_event.set()
        failed = payload["type"] != "template" and payload["to"] in self.closed_windows
        self._report(message_id, payload["to"], "failed" if failed else "delivered")
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": payload["to"], "wa_id": payload["to"]}],
                "messages": [{"id": message_id}],
            }
        )

    def _take_fault(self, to: str) -> GraphFault | None:
        for fault in self.faults:
            if fault.to is None or fault.to == to:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def _upload(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, 190, "Invalid OAuth access token.")
        form = await request.post()
        upload = form.get("file")
        if form.get("messaging_product") != "whatsapp" or not isinstance(upload, web.FileField):
            return _error(400, 100, "(#100) Invalid parameter")
        if str(form.get("type", "")) not in SUPPORTED_MEDIA:
            self.refused_uploads.append(str(form.get("type", "")))
            return _error(400, 131053, "(#131053) Media upload error: unsupported file type")
        self._counter += 1
        media_id = f"UPLOADED{self._counter}"
        self.uploads[media_id] = (upload.file.read(), str(form.get("type", "")))
        return web.json_response({"id": media_id})

    async def _describe_media(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, 190, "Invalid OAuth access token.")
        media_id = request.match_info["media_id"]
        if media_id == PHONE_NUMBER_ID:  # the business phone number itself, as `sigap doctor` asks
            return web.json_response(PHONE_NUMBER)
        if media_id not in self.media:
            return _error(404, 100, "media not found")
        content, mime = self.media[media_id]
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.base_url}/download/{media_id}",
                "mime_type": mime,
                "sha256": hashlib.sha256(content).hexdigest(),
                "file_size": len(content),
                "id": media_id,
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        if not self._authorised(request):  # the real media URL also needs the token
            return web.Response(status=401)
        content, mime = self.media[request.match_info["media_id"]]
        return web.Response(body=content, content_type=mime)

    # --- status webhooks --------------------------------------------------------------------
    def _report(self, message_id: str, to: str, outcome: str) -> None:
        if self._webhook is None:
            return
        task = asyncio.create_task(self._post_statuses(message_id, to, outcome))
        self._reports.add(task)
        task.add_done_callback(self._reports.discard)

    async def _post_statuses(self, message_id: str, to: str, outcome: str) -> None:
        assert self._webhook is not None
        url, secret = self._webhook
        await asyncio.sleep(0.05)  # after the HTTP answer, as on the real platform
        for status in ("sent", outcome) if outcome != "failed" else ("failed",):
            entry: dict[str, Any] = {
                "id": message_id,
                "status": status,
                "recipient_id": to,
                "timestamp": str(int(time.time())),
            }
            if status == "failed":
                entry["errors"] = [{"code": 131047, "title": "Re-engagement message"}]
            body = json.dumps(status_webhook([entry])).encode()
            signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers = {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}
            try:
                async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers):
                    pass
            except aiohttp.ClientError:  # the app is gone (a test ending): the platform gives up
                return


def _too_long(payload: Any) -> list[str]:
    """The length limits WhatsApp enforces that the OpenAPI description does not state."""
    if not isinstance(payload, dict):
        return []
    kind = payload.get("type")
    part = payload.get(kind) if isinstance(kind, str) else None
    part = part if isinstance(part, dict) else {}
    checks = {
        "text": ("body", TEXT_BODY),
        "image": ("caption", CAPTION),
        "document": ("caption", CAPTION),
    }
    if kind == "interactive":
        body = part.get("body") if isinstance(part.get("body"), dict) else {}
        text = str(body.get("text", ""))
        return (
            [f"interactive body over {INTERACTIVE_BODY} characters"] if len(text) > INTERACTIVE_BODY else []
        )
    if kind in checks:
        name, limit = checks[kind]
        return [f"{kind} {name} over {limit} characters"] if len(str(part.get(name, ""))) > limit else []
    return []


def _cut_titles(payload: dict[str, Any]) -> list[str]:
    """Button and list-row titles the sender had to cut ("Orang hilang / tida…"): WhatsApp would
    show them cut (or refuse a title over its limit), so a test can assert there are none."""
    interactive = payload.get("interactive") if payload.get("type") == "interactive" else None
    if not isinstance(interactive, dict):
        return []
    action = interactive.get("action", {})
    titles = [b["reply"]["title"] for b in action.get("buttons", [])]
    titles += [r["title"] for s in action.get("sections", []) for r in s["rows"]]
    titles += [action["button"]] if "button" in action else []
    return [title for title in titles if title.endswith("…")]


def status_webhook(statuses: list[dict[str, Any]]) -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
        "statuses": statuses,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


def _error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "FAKE"}}
    return web.json_response(body, status=status, headers=headers)


def _seen(payload: dict[str, Any]) -> dict[str, Any]:
    """A sent payload as the user sees it: the text, the choices offered and how they are offered."""
    kind = payload["type"]
    seen: dict[str, Any] = {"kind": kind, "raw": payload, "id": payload["_id"], "buttons": []}
    if kind == "text":
        seen["text"] = payload["text"]["body"]
    elif kind == "image":
        seen.update(text=payload["image"].get("caption", ""), photo=payload["image"]["id"])
    elif kind == "document":
        document = payload["document"]
        seen.update(text=document.get("caption", ""), document=document["id"], filename=document["filename"])
    elif kind == "interactive":
        interactive = payload["interactive"]
        seen["text"], seen["kind"] = interactive["body"]["text"], interactive["type"]
        if interactive["type"] == "button":
            seen["buttons"] = [b["reply"]["id"] for b in interactive["action"]["buttons"]]
        else:
            seen["buttons"] = [r["id"] for s in interactive["action"]["sections"] for r in s["rows"]]
    elif kind == "template":
        template = payload["template"]
        components = template.get("components", [])
        seen.update(text="", name=template["name"], language=template["language"]["code"])
        seen["params"] = [p["text"] for c in components if c["type"] == "body" for p in c["parameters"]]
        seen["buttons"] = [p["payload"] for c in components if c["type"] == "button" for p in c["parameters"]]
    return seen
