"""Issue 14 item 3: after /hapus, and after the retention purge, no table and no column of the
database names the reporter: every value of every table is read (the schema is introspected, not
listed by hand) and searched for their number, account, name and values derived from them."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from bot.cli import broadcasts as broadcast_admin
from db import subscriptions
from db.models import AuditEntry, Case, CaseEvent, OutboxMessage, StoredMedia, User
from db.roles import Role
from db.session import create_engine
from tests.fakes.graph_api import FakeGraphAPI
from tests.test_report_drafts import to_summary
from tests.test_reports_e2e import SUNGAI_KAKAP, file_report
from tests.whatsapp_harness import (
    TOKEN,
    WhatsAppHarness,
    start_whatsapp_harness,
    stop_whatsapp_harness,
    webhook,
)

COORDINATOR = "6281100000951"
REPORTER = "6281234567802"
REPORTER_NAME = "Zyxwulan Qorpratiwi"  # the WhatsApp profile name sent with every message
REPORTED = ("Siti Aminah", "85512345678", "Sihanoukville", "gaji 15 juta", "0812 0000 1111")


def wamid(phone: str) -> str:
    """A message id as WhatsApp makes them: base64 that embeds the sender's number."""
    blob = b"\x18\x0d" + phone.encode() + b"\x15\x02\x00\x12\x18\x14" + secrets.token_hex(10).upper().encode()
    return "wamid." + base64.b64encode(blob).decode()


def derived_from(phone: str, *names: str) -> list[str]:
    """What names the person: the number in any of its written forms (the national number is in
    all of them: 62812..., +62812..., 0812...), base64 of it at each alignment (message ids),
    its hex digits, and their name and its parts."""
    national = phone[2:]
    forms = [national, national.encode().hex()]
    for pad in range(3):
        encoded = base64.b64encode(b"\x00" * pad + phone.encode()).decode()
        forms.append(encoded[(pad * 4 + 2) // 3 + 1 : -2])  # the part that only the number decides
    for name in names:
        forms += [name, *name.split()]
    return [form.lower() for form in forms]


async def every_value(database_url: str) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every value of every table."""
    engine = create_engine(database_url)
    found = []
    try:
        async with engine.connect() as connection:
            schema = await connection.run_sync(
                lambda sync: {
                    table: [column["name"] for column in inspect(sync).get_columns(table)]
                    for table in inspect(sync).get_table_names()
                }
            )
            for table, columns in schema.items():
                quoted = ", ".join(f'"{c}"' for c in columns)
                for row in await connection.execute(text(f'SELECT {quoted} FROM "{table}"')):
                    found += [
                        (table, column, _as_text(value)) for column, value in zip(columns, row, strict=True)
                    ]
    finally:
        await engine.dispose()
    assert {"users", "outbox", "audit_log", "processed_updates", "media", "cases"} <= set(schema)
    return found


def _as_text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def naming(values: list[tuple[str, str, str]], forms: list[str]) -> set[tuple[str, str]]:
    return {(table, column) for table, column, value in values if any(f in value.lower() for f in forms)}


@pytest.fixture
async def wa(database_url: str) -> AsyncIterator[WhatsAppHarness]:
    api = FakeGraphAPI(token=TOKEN)
    await api.start()
    harness = await start_whatsapp_harness(database_url, api)
    _as_a_real_phone(harness, REPORTER, REPORTER_NAME)
    yield harness
    await stop_whatsapp_harness(harness)
    await api.stop()


def _as_a_real_phone(wa: WhatsAppHarness, phone: str, name: str) -> None:
    """Messages from `phone` arrive as WhatsApp sends them: real message ids, the profile name,
    and photos whose media ids do not spell the number (the fake's own do)."""
    plain_deliver = wa.deliver

    async def deliver(user: Any, message: dict[str, Any]) -> list[dict[str, Any]]:
        if str(user) != phone:
            return await plain_deliver(user, message)
        payload = webhook({**message, "id": wamid(phone)})
        payload["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = name
        before = len(wa.api.sent(user))
        assert await wa.post(payload) == 200
        await wa.service.channels["whatsapp"].idle()
        return wa.api.sent(user)[before:]

    async def send_photo(user: Any, caption: str = "") -> list[dict[str, Any]]:
        media_id = f"M{secrets.token_hex(6)}"
        wa.api.add_media(media_id, b"\xff\xd8\xff\xe0 a picture " + media_id.encode(), "image/jpeg")
        image = {"id": media_id, "mime_type": "image/jpeg", "sha256": "x", "caption": caption}
        return await wa.deliver(user, wa.message(user, "image", image))

    wa.deliver = deliver  # type: ignore[method-assign]
    wa.send_photo = send_photo  # type: ignore[method-assign]


async def _a_reporter_s_life(wa: WhatsAppHarness, unsent_report: bool) -> int:
    """A report with a photo, worked by the coordinator (acknowledged, a question, the reporter's
    answer), a broadcast the reporter subscribed to, and perhaps a second report left unsent with
    a photo; every message delivered and confirmed. Returns the case id."""
    core = wa.service.core
    assert core is not None and wa.service.jobs is not None
    from bot.cli import admin

    await admin.grant(core, Role.COORDINATOR, f"whatsapp:{COORDINATOR}", "61.12")
    await wa.onboard(COORDINATOR)
    await wa.onboard(REPORTER)
    reference = await file_report(wa, REPORTER, kind="missing", photo=True)  # type: ignore[arg-type]
    async with core.sessions() as session:
        case_id = (await session.execute(select(Case.id).where(Case.reference == reference))).scalar_one()
    await _offered(wa, COORDINATOR, f"cs:ack:{case_id}")  # the outbox forwards the report
    await wa.press(COORDINATOR, f"cs:ack:{case_id}")
    await wa.press(COORDINATOR, f"cs:info:{case_id}")
    await wa.say(COORDINATOR, "Ada nomor lain?")
    await _offered(wa, REPORTER, f"my:add:{case_id}")  # the coordinator's question, via the outbox
    await wa.press(REPORTER, f"my:add:{case_id}")
    await wa.say(REPORTER, "Nomor lamanya 0812 0000 1111")
    async with core.sessions() as session, session.begin():
        user = (await session.execute(select(User).where(User.external_id == REPORTER))).scalar_one()
        await subscriptions.subscribe(session, user.id, SUNGAI_KAKAP, "id", wa.clock())
    await broadcast_admin.create(core, "61.12", "red_flags", None, None, "2026-11-23 09:00", None)
    assert await wa.service.jobs.fire_broadcasts() == 1
    if unsent_report:
        await to_summary(wa, REPORTER, name="Budi Santoso")
    await _settled(wa)
    return int(case_id)


async def _offered(wa: WhatsAppHarness, user: str, data: str) -> None:
    for _ in range(400):
        if any(data in message["buttons"] for message in wa.api.sent(user)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{data} never reached {user}")


async def _settled(wa: WhatsAppHarness) -> None:
    """Every queued message sent, and WhatsApp's delivery reports recorded."""
    assert wa.service.core is not None
    for _ in range(400):
        async with wa.service.core.sessions() as session:
            rows = (await session.execute(select(OutboxMessage.status, OutboxMessage.delivery_status))).all()
        if rows and all(status != "pending" and delivered for status, delivered in rows):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the outbox did not settle: {rows}")


async def test_after_erasure_no_table_names_the_reporter(wa: WhatsAppHarness, database_url: str) -> None:
    case_id = await _a_reporter_s_life(wa, unsent_report=True)
    forms = derived_from(REPORTER, REPORTER_NAME)
    before = naming(await every_value(database_url), forms)
    assert {("users", "external_id"), ("outbox", "chat_id"), ("audit_log", "actor")} <= before, before

    await wa.say(REPORTER, "/dataku")  # what is kept about them, with the button to erase it
    await wa.press(REPORTER, "dx:ask")
    [done] = await wa.press(REPORTER, "dx:yes")
    assert "dihapus" in done["text"]

    values = await every_value(database_url)
    assert naming(values, forms) == set()
    assert naming(values, ["budi santoso"]) == set(), "the unsent report went too"
    # The search works: the coordinator, an official, is still accountable by their number.
    assert ("audit_log", "actor") in naming(values, derived_from(COORDINATOR))
    # The report stays with the task force, with its photo.
    assert wa.service.core is not None
    async with wa.service.core.sessions() as session:
        case = (await session.execute(select(Case).where(Case.id == case_id))).scalar_one()
        assert case.reporter_user_id is None and case.details["person_name"] == "Siti Aminah"
        assert (await session.execute(select(StoredMedia.case_id))).scalars().all() == [case_id]
        keys = (
            await session.execute(select(OutboxMessage.idempotency_key).where(OutboxMessage.chat_id == ""))
        ).scalars()
        assert all(key.startswith("erased:") for key in keys)


async def test_after_the_retention_purge_nothing_ties_the_case_to_the_reporter(
    wa: WhatsAppHarness, database_url: str
) -> None:
    case_id = await _a_reporter_s_life(wa, unsent_report=False)
    await wa.press(COORDINATOR, f"cs:close:{case_id}")
    await wa.press(COORDINATOR, f"cs:out:{case_id}:found_safe")
    await _settled(wa)
    jobs = wa.service.jobs
    assert jobs is not None and wa.service.core is not None
    async with wa.service.core.sessions() as session:
        reporter_id = (
            await session.execute(select(User.id).where(User.external_id == REPORTER))
        ).scalar_one()
    assert naming(await every_value(database_url), [f.lower() for f in REPORTED]), "the test sees them"

    wa.clock.advance(days=181)
    assert await jobs.purge_closed_cases() == 1
    values = await every_value(database_url)
    # What the report said is gone everywhere (no keys are set here: nothing is hidden by them).
    assert naming(values, [f.lower() for f in REPORTED]) == set()
    # The reporter is still a user (their account, their subscription's messages), but nothing
    # that belongs to the case names them or points at their account.
    about_case = [v for v in values if v[0] in ("cases", "case_events", "audit_log", "media")]
    assert naming(about_case, derived_from(REPORTER, REPORTER_NAME)) == set()
    async with wa.service.core.sessions() as session:
        case = (await session.execute(select(Case).where(Case.id == case_id))).scalar_one()
        assert case.reporter_user_id is None and case.details == {}
        actors = (
            await session.execute(select(CaseEvent.actor_user_id).where(CaseEvent.case_id == case_id))
        ).scalars()
        assert reporter_id not in set(actors)
        entries = (
            await session.execute(select(AuditEntry.actor).where(AuditEntry.case_id == case_id))
        ).scalars()
        assert f"user:{reporter_id}" not in set(entries)
        messages = (await session.execute(select(OutboxMessage.idempotency_key))).scalars().all()
        assert not [key for key in messages if key.startswith(f"case:{case_id}:")]
        assert (
            await session.execute(select(StoredMedia.id).where(StoredMedia.case_id == case_id))
        ).all() == []
    hits = naming(values, derived_from(REPORTER, REPORTER_NAME))
    assert hits <= {("users", "external_id"), ("users", "chat_id"), ("outbox", "chat_id")}, hits
