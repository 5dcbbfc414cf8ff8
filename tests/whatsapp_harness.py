"""Runs the real Sigap service with WhatsApp against the fake Graph API, and talks to it like
WhatsApp does: signed webhook POSTs of text, button and list replies, template buttons and images."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from pydantic import SecretStr

from bot.app import SigapService
from bot.config import Settings, WebSettings, WhatsAppSettings, WhatsAppTemplate
from tests.fakes.graph_api import PHONE_NUMBER_ID, FakeGraphAPI
from tests.harness import TEST_CONVERSATION, TEST_DELIVERY, FakeClock, assert_offered, buttons_of, offered

TOKEN = "EAAG-test-token-for-the-fake-graph-api"
APP_SECRET = "app-secret-for-tests-0123456789"
VERIFY_TOKEN = "verify-token-for-tests"
WEBHOOK_PATH = "/whatsapp/webhook"
TEMPLATES = {
    "case_alert": WhatsAppTemplate(name="sigap_case_alert", languages={"id": "id", "en": "en"}),
    "case_update": WhatsAppTemplate(name="sigap_case_update", languages={"id": "id", "en": "en"}),
    "broadcast": WhatsAppTemplate(name="sigap_broadcast", languages={"id": "id", "en": "en_US"}),
}


def whatsapp_settings(
    database_url: str, api_base: str, templates: dict[str, WhatsAppTemplate] | None = None
) -> Settings:
    return Settings(
        whatsapp=WhatsAppSettings(
            phone_number_id=PHONE_NUMBER_ID,
            api_base=api_base,
            request_timeout=5,
            templates=TEMPLATES if templates is None else templates,
        ),
        web=WebSettings(port=0),
        delivery=TEST_DELIVERY,
        conversation=TEST_CONVERSATION,
        database_url=SecretStr(database_url),
        whatsapp_token=SecretStr(TOKEN),
        whatsapp_app_secret=SecretStr(APP_SECRET),
        whatsapp_verify_token=SecretStr(VERIFY_TOKEN),
    )


def signed(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook(message: dict[str, Any]) -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Warga"}, "wa_id": message["from"]}],
        "messages": [message],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


@dataclass
class WhatsAppHarness:
    channel = "whatsapp"
    api: FakeGraphAPI
    service: SigapService
    http: aiohttp.ClientSession
    clock: FakeClock
    _message_number: int = 0

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.service.web_port}{WEBHOOK_PATH}"

    async def post(self, payload: Any, signature: str | None = "sign", raw: bytes | None = None) -> int:
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Hub-Signature-256"] = signed(body) if signature == "sign" else signature
        async with self.http.post(self.webhook_url, data=body, headers=headers) as response:
            await response.read()
            return response.status

    def message(self, user: int | str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
        self._message_number += 1
        return {
            "from": str(user),
            "id": f"wamid.IN{self._message_number}",
            "timestamp": str(int(time.time())),
            "type": kind,
            kind: content,
        }

    async def deliver(self, user: int | str, message: dict[str, Any]) -> list[dict[str, Any]]:
        """Posts one inbound message and waits until it is handled; returns what the user got."""
        before = len(self.api.sent(user))
        assert await self.post(webhook(message)) == 200
        await self.service.channels["whatsapp"].idle()
        return self.api.sent(user)[before:]

    async def say(self, user: int | str, text: str) -> list[dict[str, Any]]:
        return await self.deliver(user, self.message(user, "text", {"body": text}))

    async def press(self, user: int | str, data: str) -> list[dict[str, Any]]:
        """Taps the choice with this data the way WhatsApp showed it: a reply button, a list row
        or a template's quick-reply button. A choice no message offers fails the test."""
        assert_offered(self.api.sent(user), user, data)
        shown = next(m for m in reversed(self.api.sent(user)) if data in m["buttons"])
        return await self._tap(user, data, shown["kind"])

    async def press_forged(self, user: int | str, data: str) -> list[dict[str, Any]]:
        """Sends a button reply with data no message of this chat offers: forged, on purpose."""
        assert data not in offered(self.api.sent(user)), f"{data!r} was offered: use press()"
        return await self._tap(user, data, "button")

    async def _tap(self, user: int | str, data: str, kind: str) -> list[dict[str, Any]]:
        if kind == "template":
            return await self.deliver(user, self.message(user, "button", {"payload": data, "text": "Buka"}))
        reply = "list_reply" if kind == "list" else "button_reply"
        content = {"type": reply, reply: {"id": data, "title": "x"}}
        return await self.deliver(user, self.message(user, "interactive", content))

    async def send_photo(self, user: int | str, caption: str = "") -> list[dict[str, Any]]:
        media_id = f"MEDIA-{user}-{self._message_number}"
        self.api.add_media(media_id, b"\xff\xd8\xff\xe0 fake jpeg " + media_id.encode(), "image/jpeg")
        image = {"id": media_id, "mime_type": "image/jpeg", "sha256": "x", "caption": caption}
        return await self.deliver(user, self.message(user, "image", image))

    async def type_village(self, user: int | str, code: str, button_prefix: str) -> list[dict[str, Any]]:
        """Types the village's name and regency, as a user answers "which village?", and presses
        the button the bot offers for it (pressing it untyped would press a button never shown)."""
        assert self.service.core is not None
        async with self.service.core.sessions() as session:
            place = (await self.service.core.services.regions.index(session)).get(code)
        assert place is not None, code
        replies = await self.say(user, f"{place.name}, {place.regency}")
        assert f"{button_prefix}{code}" in buttons_of(replies[-1]), replies[-1]
        return await self.press(user, f"{button_prefix}{code}")

    async def onboard(self, user: int | str, language: str = "id") -> None:
        await self.say(user, "halo")
        await self.press(user, f"lang:{language}")
        thanks = await self.press(user, "privacy:ok")
        if thanks and "menu:main" in buttons_of(
            thanks[-1]
        ):  # "later" to the offer: the menu, as a user gets it
            await self.press(user, "menu:main")


async def start_whatsapp_harness(
    database_url: str,
    api: FakeGraphAPI,
    clock: FakeClock | None = None,
    templates: dict[str, WhatsAppTemplate] | None = None,
) -> WhatsAppHarness:
    clock = clock or FakeClock()
    service = SigapService(whatsapp_settings(database_url, api.base_url, templates), clock=clock)
    await service.start()
    harness = WhatsAppHarness(api, service, aiohttp.ClientSession(), clock)
    api.report_statuses_to(harness.webhook_url, APP_SECRET)
    return harness


async def stop_whatsapp_harness(harness: WhatsAppHarness) -> None:
    await harness.http.close()
    await harness.service.stop()
