"""WhatsApp payloads: every outbound payload validates against Meta's OpenAPI `Message` schema;
menus degrade to buttons, lists or numbered text; webhooks are read table-driven and verified."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest

from bot.channels.whatsapp_format import (
    challenge_answer,
    document_payload,
    payloads,
    read_webhook,
    signature_is_valid,
    template_payload,
)
from ground.messages import Button, Reply
from tests.contract.openapi import problems

TO = "6281234567890"
RECORDED = sorted((Path(__file__).parent / "data" / "whatsapp").glob("*.json"))


def buttons(count: int, label: str = "Pilihan") -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(f"{label} {n}", f"x:{n}"),) for n in range(count))


REPLIES = {
    "text": Reply("Halo"),
    "two buttons": Reply(
        "Pilih bahasa", ((Button("Bahasa Indonesia", "lang:id"), Button("English", "lang:en")),)
    ),
    "three long titles": Reply("Q", ((Button("Tidak tahu sama sekali ya", "ck:a:q:u"),), *buttons(2))),
    "six as a list": Reply("Menu", buttons(6, "Laporkan orang hilang atau berisiko")),
    "ten as a list": Reply("Menu", buttons(10)),
    "twelve as numbered text": Reply("Kasus terbuka", buttons(12)),
    "long text with buttons": Reply("x" * 1500 + "\n\nLanjut?", buttons(2)),
    "long text, long last paragraph": Reply("y" * 3000, buttons(2)),
    "photo": Reply("TPPO-6112-000001", photo="MEDIA-ID"),
}


@pytest.mark.parametrize("name", list(REPLIES))
def test_every_outbound_payload_matches_the_official_schema(name: str) -> None:
    messages, _ = payloads(TO, REPLIES[name])
    assert messages
    for message in messages:
        assert problems(message) == [], (name, message)


def test_templates_and_documents_match_the_official_schema() -> None:
    broadcast = "Hati-hati!\n\nLowongan    'admin online' ke Kamboja\tadalah jebakan." * 30
    built = {
        "template with button": template_payload(
            TO, "sigap_case_alert", "id", ("TPPO-6112-000001",), "cs:view:7"
        ),
        "template, long text": template_payload(TO, "sigap_broadcast", "en_US", (broadcast,)),
        "template, no parameters": template_payload(TO, "sigap_hello", "id", ()),
        "document": document_payload(TO, "MEDIA-1", "kasus-6112.xlsx", "Data pribadi: jaga baik-baik"),
    }
    for name, message in built.items():
        assert problems(message) == [], (name, message)
    [param] = built["template, long text"]["template"]["components"][0]["parameters"]
    # WhatsApp refuses parameters with newlines, tabs or more than four spaces in a row.
    assert "\n" not in param["text"] and "\t" not in param["text"] and "     " not in param["text"]
    assert len(param["text"]) <= 700


def test_the_spec_s_broken_button_index_pattern_is_read_as_described() -> None:
    """The spec's index pattern refuses "0"; read as its description says (0-9), and no wider."""
    good = template_payload(TO, "sigap_case_alert", "id", ("x",), "cs:view:7")
    for index, valid in (("0", True), ("9", True), ("10", False), ("a", False), (",", False)):
        message = json.loads(json.dumps(good))
        message["template"]["components"][1]["index"] = index
        assert (problems(message) == []) is valid, index


def test_the_contract_check_can_fail() -> None:
    [good], _ = payloads(TO, REPLIES["two buttons"])
    four_buttons = json.loads(json.dumps(good))
    four_buttons["interactive"]["action"]["buttons"] *= 2
    long_title = json.loads(json.dumps(good))
    long_title["interactive"]["action"]["buttons"][0]["reply"]["title"] = "t" * 21
    no_body_key = {**good, "text": {"bodyy": "x"}, "type": "text"}
    for bad in (four_buttons, long_title, no_body_key, {**good, "messaging_product": 7}):
        assert problems(bad), bad


def test_menus_degrade_by_size() -> None:
    kinds = {}
    for name in ("two buttons", "six as a list", "twelve as numbered text"):
        messages, numbered = payloads(TO, REPLIES[name])
        kinds[name] = (messages[-1]["type"], messages[-1].get("interactive", {}).get("type"), len(numbered))
    assert kinds == {
        "two buttons": ("interactive", "button", 0),
        "six as a list": ("interactive", "list", 0),
        "twelve as numbered text": ("text", None, 12),
    }
    [numbered_menu], choices = payloads(TO, REPLIES["twelve as numbered text"])
    assert "12. Pilihan 11" in numbered_menu["text"]["body"] and choices[11].data == "x:11"
    [listing], _ = payloads(TO, REPLIES["six as a list"])
    row = listing["interactive"]["action"]["sections"][0]["rows"][0]
    assert len(row["title"]) <= 24 and row["description"].startswith("Laporkan orang hilang")
    lead, question = payloads(TO, REPLIES["long text with buttons"])[0]
    assert lead["type"] == "text" and question["interactive"]["body"]["text"] == "Lanjut?"


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
def test_recorded_webhooks(path: Path) -> None:
    recorded = json.loads(path.read_text())
    expect: dict[str, Any] = recorded["expect"]
    incoming, statuses = read_webhook(recorded["payload"])
    if not expect:
        assert incoming == [] and statuses == []
    elif "status" in expect:
        [status] = statuses
        assert (status.status, status.message_id) == (expect["status"], expect["message_id"])
        assert status.error_code == expect.get("error_code")
    else:
        [message] = incoming
        assert message.channel == "whatsapp" and message.user_id == TO and message.chat_id == TO
        for field, value in expect.items():
            assert getattr(message, field) == value, field


@pytest.mark.parametrize(
    "payload", [None, [], "x", {"entry": "x"}, {"entry": [{"changes": [{"value": []}]}]}]
)
def test_garbage_webhooks_yield_nothing(payload: Any) -> None:
    assert read_webhook(payload) == ([], [])


def test_signature_and_handshake() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    good = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert signature_is_valid(body, good, "app-secret")
    assert not signature_is_valid(body + b" ", good, "app-secret")
    assert not signature_is_valid(body, good, "other-secret")
    assert not signature_is_valid(body, None, "app-secret")
    assert not signature_is_valid(body, good.removeprefix("sha256="), "app-secret")
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert challenge_answer(params, "tok") == "1158201444"
    assert challenge_answer({**params, "hub.verify_token": "nope"}, "tok") is None
    assert challenge_answer({**params, "hub.mode": "unsubscribe"}, "tok") is None
    # A handshake without a token is refused, not a crash (a missing token read as None).
    assert challenge_answer({"hub.mode": "subscribe", "hub.challenge": "1"}, "tok") is None


def test_a_numbered_menu_does_not_number_a_numbered_label_twice() -> None:
    """Choices listed and numbered by their handler ("1. Sungai Kakap") keep their one number."""
    choices = tuple((Button(f"{n}. Desa {n}", f"x:{n}"),) for n in range(1, 13))
    [message], menu = payloads(TO, Reply("Pilih desanya:", choices))
    assert "\n1. Desa 1\n" in message["text"]["body"] and "1. 1." not in message["text"]["body"]
    assert len(menu) == 12


def test_a_label_too_long_for_a_reply_button_makes_a_list() -> None:
    """Three villages named with their district would be cut to 20 characters as reply buttons
    ("Sungai Kakap, Kec. S…"); as a list each row's description holds the whole name."""
    village = "Sungai Kakap, Kec. Sungai Kakap, Kabupaten Kubu Raya"
    reply = Reply("Pilih desa", ((Button(village, "rp:v:61.12.09.2001"),), *buttons(2)))
    [listing], _ = payloads(TO, reply)
    assert listing["interactive"]["type"] == "list"
    rows = listing["interactive"]["action"]["sections"][0]["rows"]
    assert rows[0]["description"] == village and len(rows[0]["title"]) <= 24
    [short], _ = payloads(TO, REPLIES["two buttons"])
    assert short["interactive"]["type"] == "button", "short labels stay reply buttons"
