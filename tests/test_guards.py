"""Issue 24: the guards an outside audit broke on purpose and no test noticed. Each test here was
checked the same way: the bug planted by hand in the product code, the test run and seen to
fail, the bug reverted (docs/testing.md lists the bugs and how each test reads)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_services
from bot.cli import admin
from bot.config import Settings
from db import cases as case_queries
from db import outbox, personal_data, queries, roles
from db.models import CaseEvent, OutboxMessage, User
from db.roles import Role
from ground.messages import Reply
from handlers.cases.forwarding import send_case
from handlers.statistics.charts import weekly_chart
from handlers.statistics.figures import SMALL_COUNT, CaseCounts, Period, Scope, Summary, Week
from tests.harness import BotHarness, buttons_of
from tests.telegram_updates import text_update
from tests.test_reports_e2e import COORDINATOR, OUTSIDER, SUNGAI_KAKAP, VILLAGER, case_id, file_report, grant
from tests.test_statistics import NOW
from tests.whatsapp_harness import (
    WhatsAppHarness,
    signed,
    webhook,
)

# --- forwarding: the idempotency key names case, purpose and recipient, never the time ---------


async def test_forwarding_a_case_again_later_queues_nothing(bot: BotHarness) -> None:
    """A job that fires twice, or two processes, a minute apart: the second forward is a no-op."""
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    await bot.onboard(VILLAGER)
    number = await case_id(bot, await file_report(bot, VILLAGER))
    core = bot.service.core
    assert core is not None
    for purpose, first in (("forward", 0), ("escalate", 1), ("escalate", 0)):
        async with core.sessions() as session, session.begin():
            case = await case_queries.get_case(session, number)
            assert case is not None
            _, recipients = await roles.case_recipients(session, case.regency_code)
            bot.clock.advance(minutes=7)
            queued = await send_case(session, core.services, case, recipients, purpose, bot.clock())
        assert queued == first, (purpose, queued)
    async with core.sessions() as session:
        keys = (await session.execute(select(OutboxMessage.idempotency_key))).scalars().all()
    mine = [key for key in keys if key.startswith(f"case:{number}:")]
    coordinator = (await _user_id(bot, COORDINATOR),)
    assert sorted(mine) == [
        f"case:{number}:escalate:{coordinator[0]}",
        f"case:{number}:forward:{coordinator[0]}",
    ]
    async with core.sessions() as session:
        place = (await core.services.regions.index(session)).get(SUNGAI_KAKAP)
    # Read as delivered: the sender clears a sent message's stored text (least data kept).
    escalated = await bot.api.wait_for_text(COORDINATOR, bot_text(bot, "cases.escalated_note"))
    assert place is not None and place.label in escalated, "the case names its village"


async def test_a_case_reaches_each_coordinator_in_their_own_language(bot: BotHarness) -> None:
    """The villager writes Indonesian; a coordinator who chose English reads the forwarded and the
    escalated case in English (not the default language, nor the reporter's)."""
    assert bot.service.core is not None
    await admin.grant(bot.service.core, Role.COORDINATOR, f"{bot.channel}:{COORDINATOR}", "61.12")
    await bot.onboard(COORDINATOR, "en")
    await bot.onboard(VILLAGER)
    number = await case_id(bot, await file_report(bot, VILLAGER))
    core = bot.service.core
    async with core.sessions() as session, session.begin():
        case = await case_queries.get_case(session, number)
        assert case is not None
        _, recipients = await roles.case_recipients(session, case.regency_code)
        assert await send_case(session, core.services, case, recipients, "escalate", bot.clock()) == 1
    english = core.services.content.texts("en")
    # Read as delivered: the sender clears a sent message's stored text (least data kept).
    text = await bot.api.wait_for_text(COORDINATOR, english("cases.escalated_note"))
    assert bot_text(bot, "cases.escalated_note") not in text


async def _user_id(bot: BotHarness, account: int) -> int:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        return int(
            (await session.execute(select(User.id).where(User.external_id == str(account)))).scalar_one()
        )


# --- region check: a regency's coordinator does not cover the rest of its province -------------

PONTIANAK = "61.71"  # Kota Pontianak: the same province (61) as Kubu Raya (61.12), another regency


async def test_a_neighbouring_regencys_coordinator_cannot_act_on_the_case(bot: BotHarness) -> None:
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    await grant(bot, OUTSIDER, Role.COORDINATOR, PONTIANAK)
    await bot.onboard(VILLAGER)
    seen = len(bot.api.sent(OUTSIDER))
    number = await case_id(bot, await file_report(bot, VILLAGER))
    for data in (f"cs:ack:{number}", f"cs:view:{number}", f"cs:info:{number}", f"cs:out:{number}:unfounded"):
        replies = await bot.press_forged(OUTSIDER, data)
        assert [r["text"] for r in replies] == [bot_text(bot, "cases.not_allowed")], data
    replies = await bot.say(OUTSIDER, "/kasus")
    assert all("TPPO-6112" not in r["text"] for r in replies), "another regency's case is not listed"
    assert all("TPPO-6112" not in m.get("text", "") for m in bot.api.sent(OUTSIDER)[seen:])
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        actions = (
            await session.execute(select(CaseEvent.action).where(CaseEvent.case_id == number))
        ).scalars()
        assert list(actions) == ["created", "forwarded"]


def bot_text(bot: BotHarness, key: str) -> str:
    assert bot.service.core is not None
    return bot.service.core.services.content.texts("id")(key)


# --- erasure: queued messages, roles and the conversation go with the person -------------------


async def test_erasure_drops_queued_messages_roles_and_the_conversation(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    later = NOW + timedelta(days=1)  # not due yet: still pending when the person asks to be erased
    async with sessions() as session, session.begin():
        user, _ = await queries.get_or_create_user(session, "telegram", "901", "901", "id", NOW)
        other, _ = await queries.get_or_create_user(session, "telegram", "902", "902", "id", NOW)
        await roles.grant_role(session, user.id, Role.COORDINATOR, "61.12", "test", NOW)
        await roles.grant_role(session, other.id, Role.COORDINATOR, "61.12", "test", NOW)
        for account, key in (("901", "a"), ("901", "b"), ("902", "c")):
            assert await outbox.enqueue(session, key, "telegram", account, Reply(f"to {account}"), later)
        row = (await session.execute(select(User).where(User.id == user.id))).scalar_one()
        row.dialog, row.step, row.dialog_data = "report", "person_name", {"person_name": "Siti Aminah"}
    async with sessions() as session, session.begin():
        await personal_data.erase(session, user.id, NOW)

    async with sessions() as session:
        pending = (
            await session.execute(
                select(OutboxMessage.idempotency_key, OutboxMessage.chat_id).where(
                    OutboxMessage.status == outbox.PENDING
                )
            )
        ).all()
        assert [tuple(p) for p in pending] == [("c", "902")], "only the other person's message waits"
        assert await roles.active_roles(session, user.id) == set()
        assert await roles.active_roles(session, other.id) == {roles.RoleRecord(Role.COORDINATOR, "61.12")}
        erased = (await session.execute(select(User).where(User.id == user.id))).scalar_one()
        assert (erased.dialog, erased.step, erased.dialog_data) == ("start", "idle", {})
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == 1


# --- small counts: the chart hides them in every broad scope ------------------------------------


def _summary(scope: Scope, count: int) -> Summary:
    nothing = CaseCounts(0, {}, 0, 0, 0)
    risks = {"high": 0, "medium": 0, "low": 0}
    weeks = [
        Week(
            date(2026, 9, 7) + timedelta(weeks=n),
            {"missing": count if n == 11 else 0, "warning": 0},
            {"high": count if n == 10 else 0, "medium": 0, "low": 0},
        )
        for n in range(12)
    ]
    return Summary(
        scope, Period(date(2026, 11, 23), date(2026, 11, 30)), nothing, nothing,
        risks, risks, risks, risks, [], [], [], [], weeks,
    )  # fmt: skip


def _pixels(png: bytes) -> bytes:
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB").tobytes()


def test_the_chart_of_a_broad_scope_does_not_tell_one_small_count_from_another() -> None:
    """A province and the whole country: 1 and 4 draw the same (hatched) bar; in one regency, or
    a district of it, they differ. The scopes share a name so only the numbers change the picture."""
    t = build_services(Settings()).content.texts("id")
    for code in ("61", None):
        broad = Scope(code, "Wilayah", "Asia/Jakarta")
        one, four = (_pixels(weekly_chart(t, _summary(broad, n))) for n in (1, SMALL_COUNT - 1))
        assert one == four, f"a count under {SMALL_COUNT} shows in the chart of {code!r}"
        assert one != _pixels(weekly_chart(t, _summary(broad, SMALL_COUNT))), "5 and more are drawn"
        none, none_in_a_regency = (
            _pixels(weekly_chart(t, _summary(scope, 0)))
            for scope in (broad, Scope("61.12", "Wilayah", "Asia/Jakarta"))
        )
        assert none == none_in_a_regency, "weeks without a case or check are drawn empty, not as a few"
    for code in ("61.12", "61.12.09"):
        narrow = Scope(code, "Wilayah", "Asia/Jakarta")
        one, four = (_pixels(weekly_chart(t, _summary(narrow, n))) for n in (1, SMALL_COUNT - 1))
        assert one != four, f"the chart of {code!r} shows its counts as they are"


# --- WhatsApp: the signature is over the bytes received, not over JSON parsed and re-written ----


def _unusual_bytes(payload: dict[str, Any]) -> bytes:
    """The same JSON as WhatsApp might write it: keys reversed, other spacing, é escaped."""

    def reverse(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: reverse(value[key]) for key in reversed(list(value))}
        if isinstance(value, list):
            return [reverse(item) for item in value]
        return value

    body = json.dumps(reverse(payload), indent=1, separators=(" ,", ": ")).encode()
    assert body != json.dumps(payload).encode() and json.loads(body) == payload
    return body


async def test_whatsapp_signature_is_checked_on_the_raw_bytes(wa: WhatsAppHarness) -> None:
    user = "6281234567890"
    payload = webhook(wa.message(user, "text", {"body": "Halo, café"}))
    body = _unusual_bytes(payload)
    assert b"\\u00e9" in body

    # Signed over what a re-serialising server would compute: refused, nothing handled.
    rewritten = json.dumps(json.loads(body)).encode()
    assert await wa.post(None, signature=signed(rewritten), raw=body) == 401
    assert wa.api.sent(user) == []

    # Signed over the bytes sent: accepted and answered.
    assert await wa.post(None, signature=signed(body), raw=body) == 200
    await wa.service.channels["whatsapp"].idle()
    [reply] = wa.api.sent(user)
    assert reply["buttons"] == ["lang:id", "lang:en"]


async def test_telegram_reads_a_body_written_unlike_json_dumps(bot: BotHarness) -> None:
    """Telegram's own serialiser: other key order and spacing, é escaped; the secret header is what
    authenticates it, whatever the bytes."""
    user = 4242
    update = text_update(user, "/start")
    update["message"]["from"]["first_name"] = "Andé"
    body = _unusual_bytes(update)
    assert b"\\u00e9" in body
    assert await bot.post(update, secret="not-the-secret", raw=body) == 401
    assert bot.api.sent(user) == []
    assert await bot.post(update, raw=body) == 200
    [reply] = bot.api.sent(user)
    assert buttons_of(reply) == ["lang:id", "lang:en"]
