"""WhatsApp end to end: signed webhooks posted to the running app, the whole stack, and the fake
Graph API on 127.0.0.1, which refuses any payload Meta's OpenAPI schema refuses and reports
delivery back through signed status webhooks, as the real platform does."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.cli import admin
from db import cases as case_queries
from db.models import Case, ChecklistResult, OutboxMessage, ProcessedUpdate, StoredMedia, User
from db.queries import update_fingerprint
from db.roles import Role
from ground.i18n import Content, default_content_dir
from tests.fakes.graph_api import FakeGraphAPI, status_webhook
from tests.harness import FakeClock
from tests.test_reports_e2e import SUNGAI_KAKAP, file_report
from tests.whatsapp_harness import (
    APP_SECRET,
    TOKEN,
    VERIFY_TOKEN,
    WhatsAppHarness,
    signed,
    start_whatsapp_harness,
    stop_whatsapp_harness,
    webhook,
)

ALICE, VILLAGER, COORDINATOR = "6281100000501", "6281100000802", "6281100000801"


@pytest.fixture
async def graph_api() -> AsyncIterator[FakeGraphAPI]:
    api = FakeGraphAPI(token=TOKEN)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def wa(database_url: str, graph_api: FakeGraphAPI) -> AsyncIterator[WhatsAppHarness]:
    harness = await start_whatsapp_harness(database_url, graph_api)
    yield harness
    await stop_whatsapp_harness(harness)


async def scalar(wa: WhatsAppHarness, statement: Any) -> Any:
    assert wa.service.core is not None
    async with wa.service.core.sessions() as session:
        return (await session.execute(statement)).scalar_one()


async def settle(wa: WhatsAppHarness, condition: Any, within: float = 60.0) -> None:
    """Waits until an async condition on the database holds (the outbox and status webhooks run
    in the background)."""
    deadline = time.monotonic() + within
    while not await condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def grant(wa: WhatsAppHarness, account: str, role: Role, region: str | None) -> None:
    assert wa.service.core is not None
    await admin.grant(wa.service.core, role, f"whatsapp:{account}", region)
    await wa.onboard(account)


async def test_webhook_handshake_and_refusals(wa: WhatsAppHarness, caplog: pytest.LogCaptureFixture) -> None:
    base = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    async with wa.http.get(wa.webhook_url, params={**base, "hub.verify_token": VERIFY_TOKEN}) as response:
        assert (response.status, await response.text()) == (200, "1158201444")
    async with wa.http.get(wa.webhook_url, params={**base, "hub.verify_token": "guess"}) as response:
        assert response.status == 403

    secret_name = "Siti Aminah binti Rahman"
    payload = webhook(wa.message(ALICE, "text", {"body": secret_name}))
    with caplog.at_level(logging.DEBUG):
        assert await wa.post(payload, signature=None) == 401
        assert await wa.post(payload, signature="sha256=" + "0" * 64) == 401
        assert await wa.post(None, raw=b"{not json", signature="sign") == 400
        assert await wa.post({"object": "page", "entry": []}) == 400
        assert await wa.post([1, 2]) == 400
        assert await wa.post(None, raw=b"{" + b" " * 2_000_000 + b"}") == 413
    assert secret_name not in caplog.text, "refusals are logged without the payload"
    assert "signature" in caplog.text
    assert wa.api.accepted == [] and await scalar(wa, select(func.count()).select_from(User)) == 0

    # A signed but odd payload (no messages, unknown parts) is accepted and changes nothing.
    assert await wa.post({"object": "whatsapp_business_account", "entry": [{"changes": "x"}]}) == 200
    await wa.service.channels["whatsapp"].idle()
    assert wa.api.accepted == [] and await scalar(wa, select(func.count()).select_from(User)) == 0


async def test_full_checklist_on_whatsapp(wa: WhatsAppHarness) -> None:
    [choose] = await wa.say(ALICE, "halo")
    assert choose["kind"] == "button" and choose["buttons"] == ["lang:id", "lang:en"]
    await wa.press(ALICE, "lang:id")
    await wa.press(ALICE, "privacy:ok")
    [menu] = await wa.press(ALICE, "menu:main")
    # Six choices: more than WhatsApp's 3 reply buttons, so a list.
    assert menu["kind"] == "list" and menu["buttons"][0] == "menu:check"
    replies = await wa.press(ALICE, "menu:check")
    # Five routes: more than 3 choices, so a list; the numbered options are in the text too.
    route = replies[-1]
    assert route["kind"] == "list" and route["buttons"][0] == "ck:a:route:p3mi"
    first_route = Content.load(default_content_dir(), "id").texts("id")(
        "checklist.questions.route.details.p3mi"
    )
    assert "Pertanyaan 1 dari" in route["text"] and f"1. {first_route}" in route["text"], route["text"]
    choices = {"route": "unknown", "work": "online_office", "destination": "scam_hubs"}
    yes_no_messages = 0
    while (ask := next((b for b in replies[-1]["buttons"] if b.startswith("ck:a:")), None)) is not None:
        question = ask.split(":")[2]
        if question not in choices:
            # Ya / Tidak / Tidak tahu are reply buttons of their own, never hidden in a list.
            assert replies[-1]["kind"] == "button" and len(replies[-1]["buttons"]) == 3
            yes_no_messages += 1
        replies = await wa.press(ALICE, f"ck:a:{question}:{choices.get(question, 'y')}")
    assert yes_no_messages >= 10
    [result] = replies
    assert result["kind"] == "button" and len(result["buttons"]) == 3, "the result's three buttons"
    assert "Risiko TINGGI" in result["text"] and "110" in result["text"]
    assert await scalar(wa, select(ChecklistResult.risk)) == "high"
    replies = await wa.press(ALICE, result["buttons"][0])  # all reasons
    assert replies[-1]["kind"] == "button" and replies[-1]["buttons"] == [
        "menu:numbers",
        "menu:report",
        "menu:main",
    ]
    replies = await wa.press(ALICE, "menu:numbers")
    assert "0800-1000" in "\n".join(r["text"] for r in replies)
    assert wa.api.refused == [], "every payload matched Meta's schema"


async def test_typed_checklist_answers_on_whatsapp(wa: WhatsAppHarness) -> None:
    await wa.onboard(ALICE)
    await wa.press(ALICE, "menu:check")
    for typed in ("3", "kebun sawit", "malaysia"):  # a number shown beside the options, then words
        replies = await wa.say(ALICE, typed)
    assert "Pertanyaan 4 dari" in replies[-1]["text"] and replies[-1]["kind"] == "button"
    replies = await wa.say(ALICE, "2")  # no number is offered at a yes/no question
    assert "Ketik ya, tidak, atau tidak tahu" in replies[0]["text"]
    replies = await wa.say(ALICE, "umurnya 16 tahun")
    assert "Pertanyaan 5 dari" in replies[-1]["text"]
    assert wa.api.refused == []


async def test_redelivered_message_is_handled_once(wa: WhatsAppHarness) -> None:
    message = wa.message(ALICE, "text", {"body": "halo"})
    first = await wa.deliver(ALICE, message)
    again = await wa.deliver(ALICE, message)  # WhatsApp re-sends a webhook it thinks was missed
    assert len(first) == 1 and again == []
    count = (
        select(func.count())
        .select_from(ProcessedUpdate)
        .where(ProcessedUpdate.update_key == update_fingerprint(message["id"]))
    )
    assert await scalar(wa, count) == 1


async def test_long_menus_become_numbered_text_answered_by_number(wa: WhatsAppHarness) -> None:
    await grant(wa, COORDINATOR, Role.COORDINATOR, "61.12")
    assert wa.service.core is not None
    async with wa.service.core.sessions() as session, session.begin():
        for n in range(10):
            now = wa.clock()
            await case_queries.create_case(
                session,
                kind="warning",
                village_code=SUNGAI_KAKAP,
                reporter_user_id=None,
                verified_source=False,
                contact_allowed=False,
                details={"name": f"Orang {n}"},
                now=now,
                ack_deadline=now + timedelta(days=1),
            )
    [listing] = await wa.say(COORDINATOR, "/kasus")
    # Ten cases and the export button: more than a list's 10 rows, so numbered text. (WhatsApp
    # sends no CSV file, so only the XLSX export is offered.)
    assert listing["kind"] == "text" and listing["buttons"] == []
    assert "11. 📊 XLSX" in listing["text"]
    first_line = re.search(r"^1\. (TPPO-6112-\d{6})", listing["text"], re.M)
    assert first_line, listing["text"]
    replies = await wa.say(COORDINATOR, "1")
    assert first_line.group(1) in replies[0]["text"] and "cs:ack:" in replies[-1]["buttons"][0]
    # The number meant something only under that menu: now "1" is just text again.
    replies = await wa.say(COORDINATOR, "1")
    assert not any(first_line.group(1) in r["text"] for r in replies)
    # The export arrives as a document uploaded to WhatsApp.
    await wa.say(COORDINATOR, "/kasus")
    [document] = await wa.say(COORDINATOR, "11")
    assert document["kind"] == "document" and document["filename"].endswith(".xlsx")
    book = load_workbook(io.BytesIO(wa.api.uploads[document["document"]][0]))
    assert first_line.group(1) in [cell.value for row in book["received"].iter_rows() for cell in row]


async def test_report_with_photo_reaches_coordinator_who_acknowledges(wa: WhatsAppHarness) -> None:
    await grant(wa, COORDINATOR, Role.COORDINATOR, "61.12")
    await wa.onboard(VILLAGER)
    seen = len(wa.api.sent(COORDINATOR))
    reference = await file_report(wa, VILLAGER, kind="missing", photo=True)  # type: ignore[arg-type]
    # The picture was downloaded from the Graph API and kept (WhatsApp media ids expire).
    stored = await scalar(wa, select(StoredMedia.content))
    assert stored.startswith(b"\xff\xd8\xff\xe0 fake jpeg")

    await wa.api.wait_for_sent(seen + 2, chat_id=COORDINATOR)
    forward, photo = wa.api.sent(COORDINATOR)[seen:]
    assert reference in forward["text"] and "Siti Aminah" in forward["text"]
    number = await scalar(wa, select(Case.id).where(Case.reference == reference))
    assert forward["kind"] == "list" and forward["buttons"][0] == f"cs:ack:{number}"
    assert photo["kind"] == "image" and photo["text"] == reference
    assert wa.api.uploads[photo["photo"]][0] == stored, "the same picture, uploaded again"

    seen_villager = len(wa.api.sent(VILLAGER))
    replies = await wa.press(COORDINATOR, f"cs:ack:{number}")
    assert "diterima Gugus Tugas" in replies[0]["text"]
    await wa.api.wait_for_sent(seen_villager + 1, chat_id=VILLAGER)
    assert "sudah diterima Gugus Tugas" in wa.api.sent(VILLAGER)[-1]["text"]

    # Delivery reports from WhatsApp reach the outbox rows of the forwards.
    async def delivered() -> bool:
        statement = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.chat_id == COORDINATOR, OutboxMessage.delivery_status == "delivered")
        )
        return bool(await scalar(wa, statement) == 2)

    await settle(wa, delivered)
    assert wa.api.refused == []


async def test_outside_the_window_a_template_goes_and_its_button_opens_the_case(
    wa: WhatsAppHarness,
) -> None:
    await grant(wa, COORDINATOR, Role.COORDINATOR, "61.12")
    wa.clock.advance(hours=25)  # the coordinator has not written for a day
    await wa.onboard(VILLAGER)
    seen = len(wa.api.sent(COORDINATOR))
    reference = await file_report(wa, VILLAGER, kind="warning", photo=True)  # type: ignore[arg-type]
    await wa.api.wait_for_sent(seen + 1, chat_id=COORDINATOR)
    [alert] = wa.api.sent(COORDINATOR)[seen:]
    number = await scalar(wa, select(Case.id).where(Case.reference == reference))
    assert (alert["kind"], alert["name"], alert["params"]) == ("template", "sigap_case_alert", [reference])
    assert alert["buttons"] == [f"cs:view:{number}"]

    async def photo_recorded_unsendable() -> bool:
        statement = select(OutboxMessage.last_error).where(OutboxMessage.idempotency_key.like("%:photo"))
        return bool(await scalar(wa, statement) == "outside the 24-hour window and no template for it")

    await settle(wa, photo_recorded_unsendable)
    replies = await wa.press(COORDINATOR, f"cs:view:{number}")  # the template's quick-reply button
    photo, case = replies
    assert photo["kind"] == "image" and reference in case["text"] and case["kind"] == "list"


async def test_window_closed_report_resends_the_template(wa: WhatsAppHarness) -> None:
    """The platform is the judge of the window: a free-form message it refuses afterwards with
    131047 is sent again as the template, once."""
    await grant(wa, COORDINATOR, Role.COORDINATOR, "61.12")
    await wa.onboard(VILLAGER)
    wa.api.closed_windows.add(COORDINATOR)
    seen = len(wa.api.sent(COORDINATOR))
    reference = await file_report(wa, VILLAGER, kind="warning")  # type: ignore[arg-type]
    await wa.api.wait_for_sent(seen + 2, chat_id=COORDINATOR)
    free_form, template = wa.api.sent(COORDINATOR)[seen:]
    assert free_form["kind"] == "list" and template["kind"] == "template"
    assert template["params"] == [reference]

    async def template_delivered() -> bool:
        statement = select(OutboxMessage.delivery_status).where(
            OutboxMessage.chat_id == COORDINATOR, OutboxMessage.idempotency_key.like("case:%:forward:%")
        )
        return bool(await scalar(wa, statement) == "delivered")

    await settle(wa, template_delivered)
    assert len(wa.api.sent(COORDINATOR)) == seen + 2


async def test_no_template_configured_is_recorded_not_sent(
    database_url: str, graph_api: FakeGraphAPI
) -> None:
    harness = await start_whatsapp_harness(database_url, graph_api, FakeClock(), templates={})
    try:
        await grant(harness, COORDINATOR, Role.COORDINATOR, "61.12")
        harness.clock.advance(hours=30)
        await harness.onboard(VILLAGER)
        seen = len(graph_api.sent(COORDINATOR))
        await file_report(harness, VILLAGER, kind="warning")  # type: ignore[arg-type]

        async def recorded() -> bool:
            statement = select(OutboxMessage.status, OutboxMessage.last_error).where(
                OutboxMessage.chat_id == COORDINATOR
            )
            assert harness.service.core is not None
            async with harness.service.core.sessions() as session:
                row = (await session.execute(statement)).one()
            return bool(row.status == "failed" and "no template configured for case_alert" in row.last_error)

        await settle(harness, recorded)
        assert len(graph_api.sent(COORDINATOR)) == seen
    finally:
        await stop_whatsapp_harness(harness)


async def test_rate_limits_and_server_errors_are_retried(wa: WhatsAppHarness) -> None:
    wa.api.fail_next(429, 130429, to=ALICE, retry_after=0)
    wa.api.fail_next(400, 131056, to=ALICE, retry_after=0)
    wa.api.fail_next(503, 2, to=ALICE)
    [choose] = await wa.say(ALICE, "halo")
    assert choose["buttons"] == ["lang:id", "lang:en"]
    assert wa.api.requests == 4  # three refusals, then delivered


async def test_invalid_token_stops_sending_and_alerts_the_operator(
    wa: WhatsAppHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await grant(wa, COORDINATOR, Role.COORDINATOR, "61.12")
    await wa.onboard(VILLAGER)
    wa.api.token = "rotated-by-someone-else"
    with caplog.at_level(logging.WARNING):
        await wa.say(VILLAGER, "halo")
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert critical and "SIGAP_WHATSAPP_TOKEN" in critical[0].getMessage()
    assert TOKEN not in caplog.text
    requests = wa.api.requests
    await wa.say(VILLAGER, "halo lagi")
    assert wa.api.requests == requests, "nothing more is tried with a refused token"


async def forward_with_reports_by_hand(wa: WhatsAppHarness) -> str:
    """A report forwarded to the coordinator, whose delivery reports the test sends itself;
    returns the forward's WhatsApp message id."""
    await grant(wa, COORDINATOR, Role.COORDINATOR, "61.12")
    await wa.onboard(VILLAGER)
    wa.api.report_statuses_to("http://127.0.0.1:9/nowhere", "x")  # reports sent by hand below
    seen = len(wa.api.sent(COORDINATOR))
    await file_report(wa, VILLAGER, kind="warning")  # type: ignore[arg-type]
    await wa.api.wait_for_sent(seen + 1, chat_id=COORDINATOR)
    return str(wa.api.sent(COORDINATOR)[-1]["id"])


async def test_status_reports_failed_and_read(wa: WhatsAppHarness) -> None:
    message_id = await forward_with_reports_by_hand(wa)

    async def status_of() -> tuple[str, str | None]:
        statement = select(OutboxMessage.status, OutboxMessage.delivery_status).where(
            OutboxMessage.platform_message_id == message_id
        )
        assert wa.service.core is not None
        async with wa.service.core.sessions() as session:
            row = (await session.execute(statement)).one_or_none()
        return (row.status, row.delivery_status) if row else ("", None)

    async def report(status: str, code: int | None = None) -> None:
        entry: dict[str, Any] = {"id": message_id, "status": status, "recipient_id": COORDINATOR}
        if code is not None:
            entry["errors"] = [{"code": code, "title": "x"}]
        body = status_webhook([entry])
        raw = json.dumps(body).encode()
        assert await wa.post(None, raw=raw, signature=signed(raw)) == 200
        await wa.service.channels["whatsapp"].idle()

    await settle(wa, lambda: _is(status_of, ("sent", "sent")))
    await report("read")
    await report("delivered")  # arrives late: "read" is not taken back
    assert await status_of() == ("sent", "read")
    await report("failed", 131026)
    assert await status_of() == ("failed", "failed")
    error = await scalar(
        wa, select(OutboxMessage.last_error).where(OutboxMessage.platform_message_id == message_id)
    )
    assert "undeliverable" in error


async def test_a_report_that_overtakes_the_senders_record_is_applied_once_it_lands(
    wa: WhatsAppHarness,
) -> None:
    """WhatsApp reports "delivered" within milliseconds of accepting a message; a sender recording
    a large batch (or another process's sender) writes the message id seconds later. The report
    must not be lost meanwhile: broadcast reports count deliveries, and a kept text waits for it."""
    sent_id = await forward_with_reports_by_hand(wa)
    await settle(wa, lambda: _has_platform_id(wa, sent_id))
    late_id = "wamid.RECORDED-LATE"
    entry = {"id": late_id, "status": "delivered", "recipient_id": COORDINATOR}
    raw = json.dumps(status_webhook([entry])).encode()
    assert await wa.post(None, raw=raw, signature=signed(raw)) == 200
    await wa.service.channels["whatsapp"].idle()
    assert wa.service.core is not None
    async with wa.service.core.sessions() as session, session.begin():  # the sender's record lands
        row = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.platform_message_id == sent_id))
        ).scalar_one()
        row.platform_message_id, row.delivery_status = late_id, "sent"

    async def delivered() -> bool:
        statement = select(OutboxMessage.delivery_status).where(OutboxMessage.platform_message_id == late_id)
        return bool(await scalar(wa, statement) == "delivered")

    await settle(wa, delivered, within=20)


async def _has_platform_id(wa: WhatsAppHarness, platform_id: str) -> bool:
    statement = select(func.count()).where(OutboxMessage.platform_message_id == platform_id)
    return bool(await scalar(wa, statement) == 1)


async def _is(read: Any, expected: Any) -> bool:
    return bool(await read() == expected)


async def test_one_process_serves_both_channels_and_photos_cross_over(
    database_url: str, graph_api: FakeGraphAPI, fake_api: Any
) -> None:
    """A villager on WhatsApp reports with a photo; the coordinator on Telegram gets the picture."""
    from bot.app import SigapService
    from tests.harness import BotHarness, test_settings
    from tests.whatsapp_harness import whatsapp_settings

    telegram = test_settings(database_url, fake_api.base_url)
    settings = whatsapp_settings(database_url, graph_api.base_url).model_copy(
        update={
            "telegram": telegram.telegram,
            "telegram_token": telegram.telegram_token,
            "telegram_webhook_secret": telegram.telegram_webhook_secret,
        }
    )
    clock = FakeClock()
    service = SigapService(settings, clock=clock)
    await service.start()
    http = aiohttp.ClientSession()
    on_whatsapp = WhatsAppHarness(graph_api, service, http, clock)
    on_telegram = BotHarness(fake_api, service, http, clock)  # type: ignore[arg-type]
    graph_api.report_statuses_to(on_whatsapp.webhook_url, APP_SECRET)
    try:
        assert service.core is not None
        await admin.grant(service.core, Role.COORDINATOR, "telegram:801", "61.12")
        await on_telegram.onboard(801)
        await on_whatsapp.onboard(VILLAGER)
        seen = len(fake_api.sent(801))
        reference = await file_report(on_whatsapp, VILLAGER, kind="warning", photo=True)  # type: ignore[arg-type]
        await fake_api.wait_for_sent(seen + 2, chat_id=801)
        forward, photo = fake_api.sent(801)[seen:]
        assert reference in forward["text"]
        assert photo["caption"] == reference
        assert photo["photo"]["content"].startswith(b"\xff\xd8\xff\xe0 fake jpeg"), "uploaded to Telegram"
    finally:
        await http.close()
        await service.stop()


async def test_subscribe_on_whatsapp_and_a_broadcast_uses_the_template_outside_the_window(
    wa: WhatsAppHarness,
) -> None:
    from db import broadcasts

    fresh, quiet = "6281100000901", "6281100000902"
    for user in (quiet, fresh):
        await wa.onboard(user)
        await wa.press(user, "sb:start")
        replies = await wa.say(user, "sungai kakab")
        assert f"sb:v:{SUNGAI_KAKAP}" in replies[-1]["buttons"]
        await wa.press(user, f"sb:v:{SUNGAI_KAKAP}")
    wa.clock.advance(hours=25)
    await wa.say(fresh, "menu")  # only this one has written in the last 24 hours
    assert wa.service.core is not None and wa.service.jobs is not None
    text = "Waspada!\nLowongan 'admin online' ke Kamboja adalah jebakan. Cek dulu ke Disnaker."
    async with wa.service.core.sessions() as session, session.begin():
        now = wa.clock()
        await broadcasts.create(
            session,
            created_by="test",
            region_code="61.12",
            language=None,
            library_key=None,
            text=text,
            schedule="once",
            run_at=now,
            weekday=None,
            local_time=None,
            timezone="Asia/Jakarta",
            created_at=now,
        )
    seen = {user: len(wa.api.sent(user)) for user in (fresh, quiet)}
    assert await wa.service.jobs.fire_broadcasts() == 2
    for user in (fresh, quiet):
        await wa.api.wait_for_sent(seen[user] + 1, chat_id=user)
    [free_form] = wa.api.sent(fresh)[seen[fresh] :]
    [template] = wa.api.sent(quiet)[seen[quiet] :]
    assert free_form["kind"] == "text" and free_form["text"] == text
    assert (template["kind"], template["name"]) == ("template", "sigap_broadcast")
    assert template["params"] == [" ".join(text.split())], "one line: WhatsApp refuses newlines in parameters"
