"""WhatsApp Cloud API payloads: a Reply fitted to what WhatsApp allows, and webhook payloads read back.

Outbound (POST /{version}/{phone-number-id}/messages, contract: Meta's OpenAPI `Message` schema):
up to 3 choices become reply buttons (titles up to 20 characters), 4 to 10 a list (rows up to 24
characters, the full label as description), more a numbered text menu the user answers with a
number. Outside the 24-hour window only templates may be sent. Inbound: text, button and list
replies, images, locations, and delivery statuses."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from bot.web import same_secret
from ground.messages import (
    SHORT_TEXT_LIMIT,
    TEXT_LIMIT,
    Button,
    DeliveryStatus,
    Incoming,
    IncomingKind,
    Reply,
    split_text,
)

CHANNEL = "whatsapp"
MAX_BUTTONS, MAX_ROWS = 3, 10
BUTTON_TITLE, ROW_TITLE, ROW_DESCRIPTION, LIST_BUTTON = 20, 24, 72, 20
INTERACTIVE_BODY, TEXT_BODY, CAPTION = SHORT_TEXT_LIMIT, TEXT_LIMIT, SHORT_TEXT_LIMIT
# The list button's label: "Menu" reads the same in Indonesian and English (the reply carries no language).
LIST_LABEL = "Menu"
# A template parameter may not hold newlines, tabs or more than four spaces in a row, and the
# body with its parameters stays under 1,024 characters.
TEMPLATE_PARAM = 700


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _base(to: str, kind: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": kind}


def text_payload(to: str, body: str) -> dict[str, Any]:
    return {**_base(to, "text"), "text": {"body": _shorten(body, TEXT_BODY), "preview_url": False}}


def text_payloads(to: str, body: str) -> list[dict[str, Any]]:
    """A text as as many messages as WhatsApp needs to hold it all (4,096 characters each)."""
    return [text_payload(to, piece) for piece in split_text(body, TEXT_BODY)]


def with_caption(text: str) -> tuple[str, list[str]]:
    """A media message's caption (1,024 characters) and the rest of its text, to follow as texts."""
    caption, *rest = split_text(text, TEXT_BODY, first=CAPTION)
    return caption, rest


def template_payload(
    to: str, name: str, language_code: str, params: tuple[str, ...], button_data: str = ""
) -> dict[str, Any]:
    """An approved template: body parameters {{1}}, {{2}}... and the payload of its first
    quick-reply button (returned to us when the user taps it)."""
    components: list[dict[str, Any]] = []
    if params:
        texts = [{"type": "text", "text": template_param(p)} for p in params]
        components.append({"type": "body", "parameters": texts})
    if button_data:
        payload = [{"type": "payload", "payload": button_data}]
        components.append({"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": payload})
    template: dict[str, Any] = {"name": name, "language": {"policy": "deterministic", "code": language_code}}
    if components:
        template["components"] = components
    return {**_base(to, "template"), "template": template}


def template_param(text: str) -> str:
    return _shorten(re.sub(r"\s+", " ", text).strip(), TEMPLATE_PARAM) or "-"


def image_payload(to: str, media_id: str, caption: str) -> dict[str, Any]:
    return {**_base(to, "image"), "image": {"id": media_id, "caption": caption[:1024]}}


def document_payload(to: str, media_id: str, filename: str, caption: str) -> dict[str, Any]:
    return {
        **_base(to, "document"),
        "document": {"id": media_id, "filename": filename, "caption": caption[:1024]},
    }


def payloads(
    to: str, reply: Reply, list_label: str = LIST_LABEL
) -> tuple[list[dict[str, Any]], list[Button]]:
    """The messages to send for one reply, and the buttons a typed number then stands for
    (only for a numbered text menu; empty otherwise). A photo is sent by its WhatsApp media id."""
    if reply.photo:
        caption, rest = with_caption(reply.text)
        return [image_payload(to, reply.photo, caption), *(text_payload(to, piece) for piece in rest)], []
    choices = list(reply.all_buttons)
    if not choices:
        return text_payloads(to, reply.text), []
    if len(choices) > MAX_ROWS:
        numbered = "\n".join(f"{n}. {button.label}" for n, button in enumerate(choices, start=1))
        return text_payloads(to, f"{reply.text}\n\n{numbered}"), choices
    lead, body = _split_for_interactive(reply.text)
    messages = text_payloads(to, lead) if lead else []
    if len(choices) <= MAX_BUTTONS:
        action: dict[str, Any] = {
            "buttons": [
                {"type": "reply", "reply": {"id": b.data, "title": _shorten(b.label, BUTTON_TITLE)}}
                for b in choices
            ]
        }
        interactive = {"type": "button", "body": {"text": body}, "action": action}
    else:
        rows = [
            {
                "id": b.data,
                "title": _shorten(b.label, ROW_TITLE),
                "description": _shorten(b.label, ROW_DESCRIPTION),
            }
            for b in choices
        ]
        action = {"button": _shorten(list_label, LIST_BUTTON), "sections": [{"rows": rows}]}
        interactive = {"type": "list", "body": {"text": body}, "action": action}
    messages.append({**_base(to, "interactive"), "interactive": interactive})
    return messages, []


def _split_for_interactive(text: str) -> tuple[str, str]:
    """An interactive body holds 1,024 characters: a longer text goes first as a text message,
    and its last paragraph (the question the choices answer) stays with the choices."""
    if len(text) <= INTERACTIVE_BODY:
        return "", text
    lead, _, last = text.rpartition("\n\n")
    if not lead or len(last) > INTERACTIVE_BODY:
        return text, "⬇️"
    return lead, last


def read_webhook(payload: Any) -> tuple[list[Incoming], list[DeliveryStatus]]:
    """Incoming messages and delivery statuses from one webhook POST; malformed parts are skipped."""
    incoming: list[Incoming] = []
    statuses: list[DeliveryStatus] = []
    for value in _values(payload):
        for message in _dicts(value.get("messages")):
            parsed = _message(message)
            if parsed is not None:
                incoming.append(parsed)
        for status in _dicts(value.get("statuses")):
            code = (_dicts(status.get("errors")) or [{}])[0].get("code")
            if isinstance(status.get("id"), str) and isinstance(status.get("status"), str):
                statuses.append(
                    DeliveryStatus(
                        status["id"],
                        str(status.get("recipient_id", "")),
                        status["status"],
                        code if isinstance(code, int) else None,
                    )
                )
    return incoming, statuses


def _dicts(items: Any) -> list[dict[str, Any]]:
    """The dict items of a list; anything else in a webhook payload is skipped, never trusted."""
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _values(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        return []
    values = []
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if isinstance(value, dict):
                values.append(value)
    return values


def _message(message: dict[str, Any]) -> Incoming | None:
    sender, message_id, kind = message.get("from"), message.get("id"), message.get("type")
    if not isinstance(sender, str) or not isinstance(message_id, str):
        return None
    if kind == "reaction":  # a 👍 on one of our messages says nothing that needs an answer
        return None
    text, data, photo = "", "", ""
    incoming_kind: IncomingKind = "unsupported"
    if kind == "text":
        text = _text(_dict(message.get("text")).get("body"))
        incoming_kind = "command" if text.startswith("/") else "text"
    elif kind == "interactive":
        interactive = _dict(message.get("interactive"))
        reply = _dict(interactive.get("button_reply")) or _dict(interactive.get("list_reply"))
        data = _text(reply.get("id"))
        incoming_kind = "button" if data else "unsupported"
    elif kind == "button":  # a quick-reply button of a template
        data = _text(_dict(message.get("button")).get("payload"))
        incoming_kind = "button" if data else "unsupported"
    elif kind == "location":
        # A shared location reads as text, so a form's "where" question can take it as an answer.
        text = _location_text(_dict(message.get("location")))
        incoming_kind = "text" if text else "unsupported"
    elif kind == "image":
        image = _dict(message.get("image"))
        photo, text = _text(image.get("id")), _text(image.get("caption"))
        incoming_kind = "photo" if photo else "unsupported"
    return Incoming(
        CHANNEL, sender, sender, incoming_kind, text=text, data=data, update_key=message_id, photo=photo
    )


def _dict(value: Any) -> dict[str, Any]:
    """A part of the payload that should be an object; anything else counts as empty."""
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    """A part that should be text; numbers and the like are not trusted as ids or answers."""
    return value if isinstance(value, str) else ""


def _location_text(location: dict[str, Any]) -> str:
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
        return ""
    place = ", ".join(str(location[k]) for k in ("name", "address") if isinstance(location.get(k), str))
    point = f"{latitude:.5f}, {longitude:.5f}"
    return f"📍 {place} ({point})" if place else f"📍 {point}"


def signature_is_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return same_secret(header.removeprefix("sha256="), expected)


def challenge_answer(params: dict[str, str], verify_token: str) -> str | None:
    """The GET handshake: hub.challenge back only for hub.mode=subscribe with our verify token."""
    if params.get("hub.mode") == "subscribe" and same_secret(
        params.get("hub.verify_token", ""), verify_token
    ):
        return params.get("hub.challenge")
    return None
