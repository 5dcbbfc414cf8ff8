"""The task force's numbers from a seeded database: every figure of the digest checked by hand,
small counts hidden in broad scopes, the chart a real PNG, the digest sent once at local time."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_services
from bot.config import Settings
from bot.scheduler import Jobs
from db import media, queries, regions, roles
from db.models import Case, ChecklistResult, OfferCheck, OutboxMessage, Region
from db.roles import Role
from handlers.statistics.charts import HEIGHT, WIDTH, weekly_chart
from handlers.statistics.export import statistics_xlsx
from handlers.statistics.figures import Period, Scope, Summary, gather
from handlers.statistics.text import summary_text
from tests.harness import FakeClock

VILLAGE_A = "61.12.09.2001"  # Sungai Kakap, Kubu Raya (WIB)
VILLAGE_B = "61.12.09.2002"  # Sungai Itik
ELSEWHERE = "33.01.01.2001"
WEEK = Period(date(2026, 11, 16), date(2026, 11, 23))  # Monday to Sunday, local days
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def case(
    kind: str,
    village: str,
    created: datetime,
    deadline_hours: float = 2,
    acknowledged: datetime | None = None,
    closed: datetime | None = None,
) -> Case:
    return Case(
        reference=f"T-{village[:5]}-{created:%m%d%H}",
        kind=kind,
        status="closed" if closed else "received",
        village_code=village,
        regency_code=village[:5],
        province_code=village[:2],
        verified_source=False,
        contact_allowed=False,
        details={},
        created_at=created,
        ack_deadline=created + timedelta(hours=deadline_hours),
        acknowledged_at=acknowledged,
        closed_at=closed,
    )


def checklist(risk: str, flags: list[str], region: str | None, day: date) -> ChecklistResult:
    return ChecklistResult(
        risk=risk, score=0, flags={"raised": flags}, region_code=region, language="id", taken_on=day
    )


def ad(risk: str, flags: list[str], region: str | None, day: date, destination: str) -> OfferCheck:
    return OfferCheck(
        risk=risk,
        score=0,
        flags={"raised": flags},
        destination=destination,
        region_code=region,
        language="id",
        checked_on=day,
    )


async def seed(session: AsyncSession) -> None:
    session.add_all(
        [
            # This week (16-22 Nov, WIB): four new cases in Kubu Raya.
            case("missing", VILLAGE_A, at(17, 5), acknowledged=at(17, 6)),
            case("warning", VILLAGE_A, at(18, 5), deadline_hours=24),  # never acknowledged: overdue
            case("warning", VILLAGE_B, at(20, 5), acknowledged=at(20, 6), closed=at(21, 5)),
            # 15 Nov 18:00 UTC is 16 Nov 01:00 in Kubu Raya: this week's, though Sunday in UTC.
            case("missing", VILLAGE_A, at(15, 18), acknowledged=at(15, 19)),
            # The week before: one case, opened and closed.
            case("missing", VILLAGE_A, at(10, 5), acknowledged=at(10, 6), closed=at(12, 5)),
            # Elsewhere, and after the week: never counted for Kubu Raya's week.
            case("missing", ELSEWHERE, at(18, 5)),
            case("missing", VILLAGE_A, at(23, 2)),
        ]
    )
    for _ in range(3):
        session.add(checklist("high", ["visa_tourist", "documents_held"], VILLAGE_A, date(2026, 11, 17)))
    for _ in range(2):
        session.add(checklist("medium", ["fees_debt"], VILLAGE_A, date(2026, 11, 17)))
        session.add(checklist("low", [], VILLAGE_A, date(2026, 11, 10)))  # the week before
        session.add(ad("high", ["scam_hub", "tourist_visa"], VILLAGE_B, date(2026, 11, 19), "KH"))
    session.add(checklist("low", [], VILLAGE_A, date(2026, 11, 22)))
    session.add(checklist("high", ["secrecy"], None, date(2026, 11, 18)))  # nobody said where
    session.add(ad("high", ["tourist_visa"], VILLAGE_A, date(2026, 11, 20), "MM"))
    session.add(ad("medium", ["fees"], VILLAGE_A, date(2026, 11, 20), "KH"))
    await session.flush()


KUBU_RAYA = Scope("61.12", "Kabupaten Kubu Raya", "Asia/Jakarta")


async def seeded_summaries(sessions: async_sessionmaker[AsyncSession], *scopes: Scope) -> list[Summary]:
    """The seeded week's summary of each scope."""
    async with sessions() as session, session.begin():
        await seed(session)
    async with sessions() as session:
        return [await gather(session, scope, WEEK, NOW) for scope in scopes]


async def test_the_weeks_numbers_are_computed_from_the_database(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    [summary] = await seeded_summaries(sessions, KUBU_RAYA)
    cases = summary.cases
    assert (cases.new, cases.new_by_kind) == (4, {"missing": 2, "warning": 2})
    assert (cases.open, cases.overdue, cases.closed) == (3, 1, 1)
    before = summary.previous_cases
    assert (before.new, before.closed, before.new_by_kind["missing"]) == (1, 1, 1)
    assert summary.checklists == {"high": 3, "medium": 2, "low": 1}
    assert summary.previous_checklists == {"high": 0, "medium": 0, "low": 2}
    assert summary.ads == {"high": 3, "medium": 1, "low": 0}
    assert summary.top_flags == [
        ("documents_held", 3),
        ("tourist_visa", 3),
        ("visa_tourist", 3),
        ("fees_debt", 2),
        ("scam_hub", 2),
    ]
    assert summary.top_destinations == [("KH", 3), ("MM", 1)]
    # Village A: one early warning + 3 high checklists + 1 high ad; B: one warning + 2 high ads.
    assert summary.top_villages == [(VILLAGE_A, 5), (VILLAGE_B, 3)]
    assert summary.areas == [], "one regency: no breakdown"
    assert [w.start for w in summary.weeks][-2:] == [date(2026, 11, 9), date(2026, 11, 16)]
    assert len(summary.weeks) == 12
    last, previous = summary.weeks[-1], summary.weeks[-2]
    assert last.new_cases == {"missing": 2, "warning": 2} and last.checks == {
        "high": 6,
        "medium": 3,
        "low": 1,
    }
    assert previous.new_cases == {"missing": 1, "warning": 0} and previous.checks["low"] == 2
    assert all(sum(w.checks.values()) == 0 for w in summary.weeks[:-2])

    text = summary_text(build_services(Settings()).content.texts("id"), summary, {VILLAGE_A: "Sungai Kakap"})
    assert "Baru: 4 (1). Orang hilang 2, peringatan dini 2" in text
    assert "Belum diterima lewat batas waktu: 1" in text
    assert "1. Sungai Kakap (5)" in text and "1. Kamboja (3)" in text
    assert "<5" not in text, "exact numbers inside one regency"


async def test_broader_scopes_hide_small_counts_and_break_down_by_area(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    province, country = await seeded_summaries(
        sessions, Scope("61", "Kalimantan Barat", "Asia/Jakarta"), Scope(None, "Indonesia", "Asia/Jakarta")
    )
    t = build_services(Settings()).content.texts("en")

    assert province.cases.new == 4 and province.shown(province.cases.new) == "<5"
    assert province.shown(0) == "0" and province.shown(5) == "5"
    [area] = province.areas
    assert (area.code, area.new_cases, area.open_cases, area.high_checks) == ("61.12", 4, 3, 6)
    text = summary_text(t, province, {"61.12": "Kabupaten Kubu Raya"})
    assert "New: <5 (<5). Missing <5, early warning <5" in text
    assert "• Kabupaten Kubu Raya: <5, <5, 6" in text
    assert "Counts from 1 to 4" in text
    # Nationally the case elsewhere and the check with no place count too.
    assert country.cases.new == 5 and country.checklists["high"] == 4
    assert {a.code for a in country.areas} == {"61", "33"}

    sheets = load_workbook(io.BytesIO(statistics_xlsx(t, province, {})))
    assert sheets.sheetnames == ["summary", "weeks", "red flags", "destinations", "villages", "areas"]
    figures = {row[0]: row[1] for row in sheets["summary"].iter_rows(values_only=True)}
    assert figures["new cases"] == "<5" and figures["checklists: high"] == "<5"
    assert figures["ad checks: high"] == "<5" and figures["region"] == "Kalimantan Barat"
    assert list(sheets["weeks"].iter_rows(values_only=True))[-1] == (
        "2026-11-16",
        "<5",
        "<5",
        "6",
        "<5",
        "<5",
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_the_chart_is_a_png_of_the_expected_size_showing_the_data(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    from PIL import Image

    summary, empty = await seeded_summaries(
        sessions, KUBU_RAYA, Scope("91.03", "Kabupaten Jayapura", "Asia/Jayapura")
    )
    t = build_services(Settings()).content.texts("id")
    chart, blank = weekly_chart(t, summary), weekly_chart(t, empty)
    assert png_size(chart) == (WIDTH, HEIGHT) == png_size(blank)

    def red_pixels(data: bytes) -> int:  # the "high risk" / "missing" bars are this red
        image = Image.open(io.BytesIO(data)).convert("RGB")
        return {colour: n for n, colour in image.getcolors(1 << 20) or []}.get((0xB2, 0x18, 0x2B), 0)

    assert red_pixels(chart) > 20 * red_pixels(blank) + 1000, "the bars of the seeded weeks are drawn"


async def coordinator(
    session: AsyncSession, account: str, role: Role, region: str | None, language: str = "id"
) -> int:
    user, _ = await queries.get_or_create_user(session, "telegram", account, account, language, NOW)
    await roles.grant_role(session, user.id, role, region, "test", NOW)
    return user.id


async def test_the_digest_goes_once_a_week_at_each_regions_local_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(datetime(2026, 11, 22, 22, 30, tzinfo=UTC))  # Monday 05:30 WIB, 07:30 WIT
    async with sessions() as session, session.begin():
        await seed(session)
        kubu_raya = await coordinator(session, "1001", Role.COORDINATOR, "61.12")
        jayapura = await coordinator(session, "1002", Role.COORDINATOR, "91.03")
        admin = await coordinator(session, "1003", Role.ADMIN, None)
        admin_en = await coordinator(session, "1004", Role.ADMIN, None, "en")
    jobs = Jobs(sessions, clock, build_services(Settings()))  # Monday 07:00 by default

    assert await jobs.send_digests() == 2, "Jayapura's text and chart: 07:00 WIT has passed"
    assert await jobs.send_digests() == 0, "once"
    clock.advance(hours=1)  # 06:30 WIB
    assert await jobs.send_digests() == 0
    clock.advance(hours=1)  # 07:30 WIB: Kubu Raya and the admins' national digest
    assert await jobs.send_digests() == 6
    clock.advance(days=1)
    assert await jobs.send_digests() == 0, "not again the next day"

    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
        by_key = {row.idempotency_key.split(":", 2)[2]: row for row in rows}
        assert set(by_key) == {
            f"{user}:{part}" for user in (jayapura, kubu_raya, admin, admin_en) for part in ("text", "chart")
        }
        text = by_key[f"{kubu_raya}:text"].payload["text"]
        assert "Ringkasan mingguan: Kabupaten Kubu Raya" in text
        assert "16-11-2026 s.d. 22-11-2026" in text and "Baru: 4 (1)" in text
        assert "1. Sungai Kakap, Kabupaten Kubu Raya (5)" in text
        national = by_key[f"{admin}:text"].payload["text"]
        assert "Seluruh Indonesia" in national and "Baru: 5 (<5)" in national
        assert by_key[f"{admin}:text"].payload["template"][:2] == ["digest", "id"]
        english = by_key[f"{admin_en}:text"].payload["text"]
        assert "Weekly digest: All of Indonesia" in english and "New: 5 (<5)" in english
        assert by_key[f"{admin_en}:chart"].payload["photo"] != by_key[f"{admin}:chart"].payload["photo"]
        chart = by_key[f"{kubu_raya}:chart"].payload["photo"]
        stored = await media.load(session, chart)
        assert stored is not None and stored[1] == "image/png" and png_size(stored[0]) == (WIDTH, HEIGHT)
        assert "Kabupaten Jayapura" in by_key[f"{jayapura}:text"].payload["text"]
        assert "Baru: 0 (0)" in by_key[f"{jayapura}:text"].payload["text"]


async def test_a_digest_missed_by_more_than_a_day_is_skipped(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))  # Wednesday: Monday's is two days late
    async with sessions() as session, session.begin():
        await coordinator(session, "1001", Role.COORDINATOR, "61.12")
    jobs = Jobs(sessions, clock, build_services(Settings()))
    assert await jobs.send_digests() == 0
    clock.advance(days=5)  # the next Monday, 10:00 WIB
    assert await jobs.send_digests() == 2


def test_cases_workbook_has_a_summary_and_one_sheet_per_status() -> None:
    from handlers.cases.export import cases_workbook

    t = build_services(Settings()).content.texts("en")
    header = ["reference", "kind", "status", "village"]
    table = [
        header,
        ["T-1", "missing", "received", "A"],
        ["T-2", "warning", "received", "B"],
        ["T-3", "missing", "closed", "A"],
    ]
    book = load_workbook(io.BytesIO(cases_workbook(t, table)))
    assert book.sheetnames == [
        "summary",
        "received",
        "acknowledged",
        "info_requested",
        "in_progress",
        "closed",
    ]
    summary = list(book["summary"].iter_rows(values_only=True))
    assert summary[0] == ("status", "Missing", "Early warning", "total")
    assert summary[1][1:] == (1, 1, 2) and summary[5][1:] == (1, 0, 1)  # numbers, not text
    assert summary[-1] == ("total", 2, 1, 3)
    assert [r[0] for r in book["received"].iter_rows(values_only=True)] == ["reference", "T-1", "T-2"]
    assert [r[0] for r in book["acknowledged"].iter_rows(values_only=True)] == ["reference"]


def rows_of(document: dict[str, Any], sheet: str) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(document["content"]))[sheet].iter_rows(values_only=True))


async def test_statistik_in_chat_shows_numbers_chart_and_xlsx_for_own_regions_only(bot: Any) -> None:
    from bot.cli import admin
    from tests.harness import buttons_of

    core = bot.service.core
    async with core.sessions() as session, session.begin():
        await seed(session)
    coordinator_id, villager, elsewhere = 901, 902, 903
    for account, region in ((coordinator_id, "61.12"), (elsewhere, "33.01")):
        await admin.grant(core, Role.COORDINATOR, f"telegram:{account}", region)
        await bot.onboard(account)
    await bot.onboard(villager)
    bot.clock.now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # Sunday 22:00 WIB: the seeded week

    [refused] = await bot.say(villager, "/statistik")
    assert "hanya untuk koordinator" in refused["text"]
    [periods] = await bot.say(coordinator_id, "/statistik")
    assert "Kabupaten Kubu Raya" in periods["text"]
    assert buttons_of(periods) == ["st:p:61.12:7", "st:p:61.12:30", "st:p:61.12:90", "st:p:61.12:365"]

    text, picture = await bot.press(coordinator_id, "st:p:61.12:7")
    assert "16-11-2026 s.d. 22-11-2026" in text["text"] and "Baru: 4 (1)" in text["text"]
    assert buttons_of(text) == ["st:x:61.12:7"]
    [upload] = [c.params["photo"] for c in bot.api.calls_to("sendphoto")]
    assert upload["filename"] == "photo.png" and png_size(upload["content"]) == (WIDTH, HEIGHT)
    assert "12 minggu" in picture["caption"]

    thirty_days = await bot.press(coordinator_id, "st:p:61.12:30")
    assert "st:x:61.12:30" in buttons_of(thirty_days[0])
    await bot.press(coordinator_id, "st:x:61.12:30")
    [document] = bot.api.documents(coordinator_id)
    assert document["filename"] == "statistik-6112-2026-11-22.xlsx"
    figures = {row[0]: row[1] for row in rows_of(document, "summary")}
    assert figures["new cases"] == "5" and figures["from"] == "2026-10-24"

    # Another regency's coordinator, and a forged button for the whole country: nothing shown.
    for account, data in (
        (elsewhere, "st:p:61.12:7"),
        (coordinator_id, "st:p:*:7"),
        (elsewhere, "st:x:61:7"),
    ):
        [answer] = await bot.press_forged(account, data)
        assert "tidak punya akses ke statistik" in answer["text"], answer
    assert bot.api.documents(elsewhere) == []


async def seed_broadcast_runs(session: AsyncSession) -> dict[str, int]:
    """A red-flags broadcast run to Kubu Raya and one to Cilacap, six messages each: Telegram sent,
    sent, failed; WhatsApp sent and delivered, sent and read, pending. Returns broadcast ids."""
    from db import broadcasts

    ids = {}
    for region in ("61.12", "33.01"):
        record = await broadcasts.create_library_once(session, "red_flags", region, NOW, "test")
        run_id = await broadcasts.start_run(session, record.id, NOW, NOW)
        assert run_id is not None
        await broadcasts.set_recipients(session, run_id, 6)
        ids[region] = record.id
        states = [
            ("telegram", "sent", None),
            ("telegram", "sent", None),
            ("telegram", "failed", None),
            ("whatsapp", "sent", "delivered"),
            ("whatsapp", "sent", "read"),
            ("whatsapp", "pending", None),
        ]
        for n, (channel, status, seen) in enumerate(states):
            session.add(
                OutboxMessage(
                    idempotency_key=f"b:{run_id}:{n}",
                    channel=channel,
                    chat_id=str(n),
                    payload={},
                    status=status,
                    next_attempt_at=NOW,
                    created_at=NOW,
                    priority=1,
                    run_id=run_id,
                    delivery_status=seen,
                )
            )
    return ids


async def test_broadcast_delivery_report_counts_each_state_per_run_and_channel(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    from db import broadcasts
    from handlers.broadcasts.report import delivery_table

    async with sessions() as session, session.begin():
        ids = await seed_broadcast_runs(session)
    async with sessions() as session:
        mine = await broadcasts.delivery_report(session, "61.12")
        everything = await broadcasts.delivery_report(session, None)
    assert {line.broadcast_id for line in mine} == {ids["61.12"]}
    assert len(everything) == 4
    by_channel = {line.channel: line.counts for line in mine}
    assert by_channel["telegram"] == {"sent": 2, "failed": 1}
    assert by_channel["whatsapp"] == {"sent": 2, "delivered": 2, "read": 1, "pending": 1}
    table = delivery_table(build_services(Settings()).content.texts("id"), mine)
    assert table[0][-5:] == ["sent", "delivered", "read", "pending", "failed"]
    whatsapp = next(row for row in table if row[4] == "whatsapp")
    assert whatsapp[2:4] == ["61.12", "2026-11-23 10:00 WIB"] and whatsapp[5:] == [
        "6",
        "2",
        "2",
        "1",
        "1",
        "0",
    ]


async def test_siaran_delivery_report_in_chat_holds_own_regions_only(bot: Any) -> None:
    from bot.cli import admin

    core = bot.service.core
    async with core.sessions() as session, session.begin():
        await seed_broadcast_runs(session)
    coordinator_id, admin_id = 911, 912
    await admin.grant(core, Role.COORDINATOR, f"telegram:{coordinator_id}", "61.12")
    await admin.grant(core, Role.ADMIN, f"telegram:{admin_id}", None)
    for account in (coordinator_id, admin_id):
        await bot.onboard(account)
        await bot.say(account, "/siaran")  # the broadcasts list offers the delivery report
        await bot.press(account, "bx:report")
    [mine] = bot.api.documents(coordinator_id)
    assert mine["filename"].endswith(".xlsx") and "2 baris" in mine["caption"]
    rows = rows_of(mine, "deliveries")
    assert [(r[2], r[4], r[6:]) for r in rows[1:]] == [
        ("61.12", "telegram", ("2", "0", "0", "0", "1")),
        ("61.12", "whatsapp", ("2", "2", "1", "1", "0")),
    ]
    [everything] = bot.api.documents(admin_id)
    assert sorted((r[2], r[4]) for r in rows_of(everything, "deliveries")[1:]) == [
        ("33.01", "telegram"),
        ("33.01", "whatsapp"),
        ("61.12", "telegram"),
        ("61.12", "whatsapp"),
    ]


async def test_digest_charts_are_deleted_two_weeks_after_their_digest(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    from sqlalchemy import func

    from db.models import DigestRun, StoredMedia

    clock = FakeClock(NOW)
    async with sessions() as session, session.begin():
        await coordinator(session, "1001", Role.COORDINATOR, "61.12")
        await coordinator(session, "1002", Role.COORDINATOR, "61.12", "en")
    jobs = Jobs(sessions, clock, build_services(Settings()))
    assert await jobs.send_digests() == 4

    async def pictures() -> int:
        async with sessions() as session:
            return int((await session.execute(select(func.count()).select_from(StoredMedia))).scalar_one())

    assert await pictures() == 2, "one chart per language"
    clock.advance(days=13)
    await jobs.forget_old_updates()
    assert await pictures() == 2, "kept while a slow delivery may still need it"
    clock.advance(days=2)
    await jobs.forget_old_updates()
    assert await pictures() == 0
    async with sessions() as session:
        assert (await session.execute(select(DigestRun.charts))).scalar_one() == []


# Regions of two code lengths and all three zones, nested ones too (61 holds 61.12).
MANY_REGIONS = [
    Scope("61.12", "Kabupaten Kubu Raya", "Asia/Jakarta"),
    Scope("61", "Kalimantan Barat", "Asia/Jakarta"),
    Scope("33.01", "Kabupaten Cilacap", "Asia/Jakarta"),
    Scope("33", "Jawa Tengah", "Asia/Jakarta"),
    Scope("64.71", "Kota Balikpapan", "Asia/Makassar"),
    Scope("91.03", "Kabupaten Jayapura", "Asia/Jayapura"),
    Scope(None, "Seluruh Indonesia", "Asia/Jakarta"),
]


async def seed_elsewhere(session: AsyncSession) -> None:
    """Besides seed(): Cilacap and Balikpapan have figures of their own, unlike Kubu Raya's."""
    balikpapan = "64.71.01.1001"
    session.add_all(
        [
            case("warning", ELSEWHERE, at(19, 5), acknowledged=at(19, 6)),
            case("warning", ELSEWHERE, at(20, 5), closed=at(21, 5)),
            case("missing", balikpapan, at(16, 1)),  # 09:00 WITA on the 16th: this week's
            case("missing", balikpapan, at(15, 15)),  # 23:00 WITA on the 15th: the week before
        ]
    )
    for day in (17, 18, 18, 19):
        session.add(checklist("high", ["documents_held"], ELSEWHERE, date(2026, 11, day)))
    session.add(ad("high", ["fees"], ELSEWHERE, date(2026, 11, 18), "MY"))
    session.add(ad("low", [], balikpapan, date(2026, 11, 20), "SG"))
    session.add(checklist("medium", ["secrecy"], "33", date(2026, 11, 19)))  # the province only
    await session.flush()


async def test_the_regions_read_together_have_each_their_own_figures(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """gather_many (the digest's one pass over all regions) gives each region what gather gives it
    read alone: cases, checks, signs, destinations, areas, villages and 12 weeks."""
    from handlers.statistics.figures import gather_many

    async with sessions() as session, session.begin():
        await seed(session)
        await seed_elsewhere(session)
    async with sessions() as session:
        alone = [await gather(session, scope, WEEK, NOW) for scope in MANY_REGIONS]
        together = await gather_many(session, [(scope, WEEK) for scope in MANY_REGIONS], NOW)
    assert together == alone
    by_code = {summary.scope.region_code: summary for summary in together}
    assert by_code["61.12"].cases.new == 4 and by_code["33.01"].cases.new == 3
    assert by_code["64.71"].cases.new == 1 and by_code["91.03"].cases.new == 0
    assert by_code["33.01"].checklists["high"] == 4 and by_code["33"].checklists["medium"] == 1
    assert [line.code for line in by_code["61"].areas] == ["61.12"]
    assert by_code["33.01"].top_villages == [(ELSEWHERE, 7)], "5 high checks, 2 warnings"

    # Every regency at once: more regions than SQLite takes terms in one chain of conditions.
    async with sessions() as session:
        codes = (await session.execute(select(Region.code).where(Region.level == 2))).scalars().all()
        assert len(codes) > 500
        every = [Scope(code, code, regions.timezone_of(code)) for code in codes]
        everywhere = await gather_many(session, [(scope, WEEK) for scope in every], NOW)
    [kubu_raya] = [summary for summary in everywhere if summary.scope.region_code == "61.12"]
    assert kubu_raya.cases == by_code["61.12"].cases and kubu_raya.ads == by_code["61.12"].ads
    assert sum(summary.cases.new for summary in everywhere) == 8


async def test_the_digest_of_many_regions_reads_them_in_a_bounded_number_of_queries(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The weekly digest reads every region's figures in grouped queries: as many SELECTs for six
    regions as for two (the queries do not grow with the regions), and each region its own text."""
    from sqlalchemy import event

    selects: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    engine = sessions.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", count)
    clock = FakeClock(datetime(2026, 11, 16, 1, 0, tzinfo=UTC))  # Monday 16th, 08:00 WIB
    async with sessions() as session, session.begin():
        await seed(session)
        await seed_elsewhere(session)
        users = {
            code: await coordinator(session, f"10{n}", Role.COORDINATOR, code)
            for n, code in enumerate(["61", "91.03"])
        }
        users[None] = await coordinator(session, "1099", Role.ADMIN, None)
    jobs = Jobs(sessions, clock, build_services(Settings()))
    selects.clear()
    assert await jobs.send_digests() == 6, "two regions and the country, text and chart each"
    two_regions = len(selects)

    async with sessions() as session, session.begin():
        for n, code in enumerate(["61.12", "33.01", "33", "64.71"]):
            users[code] = await coordinator(session, f"20{n}", Role.COORDINATOR, code)
    clock.advance(days=7)  # Monday 23rd, 08:00 WIB: the seeded week's digests
    selects.clear()
    assert await jobs.send_digests() == 14, "six regions and the country"
    event.remove(engine, "before_cursor_execute", count)
    assert len(selects) == two_regions, "as many queries for six regions as for two"

    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    texts = {
        int(row.idempotency_key.split(":")[2]): row.payload["text"]
        for row in rows
        if row.idempotency_key.endswith(":text") and "16-11-2026 s.d. 22-11-2026" in row.payload["text"]
    }
    expected = {
        "61.12": ("Kabupaten Kubu Raya", "Baru: 4 (1)"),
        "33.01": ("Kabupaten Cilacap", "Baru: 3 (0)"),
        "64.71": ("Kota Balikpapan", "Baru: 1 (1)"),
        "91.03": ("Kabupaten Jayapura", "Baru: 0 (0)"),
        "61": ("Kalimantan Barat", "Baru: <5 (<5)"),
        "33": ("Jawa Tengah", "Baru: <5 (0)"),
        None: ("Seluruh Indonesia", "Baru: 8 (<5)"),
    }
    for code, (name, new) in expected.items():
        text = texts[users[code]]
        assert f"Ringkasan mingguan: {name}" in text and new in text, (code, text)
