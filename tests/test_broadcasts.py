"""Broadcasts: due in the region's local time, once per (broadcast, due time), to subscribers only,
each in their language; blocked users dropped; paused and cancelled broadcasts stay silent."""

from __future__ import annotations

from typing import Any

from bot.app import build_services
from bot.cli import broadcasts as broadcast_admin
from bot.config import Settings
from bot.scheduler import Jobs
from db import broadcasts
from tests.harness import BotHarness, buttons_of

SUNGAI_KAKAP, CILACAP = "61.12.09.2001", "33.01.21.1002"
IN_REGION_ID, IN_REGION_EN, ELSEWHERE, STOPPED = 1201, 1202, 1203, 1204


async def subscribe(bot: BotHarness, user: int, village: str, language: str = "id") -> None:
    await bot.onboard(user, language)
    await bot.press(user, "sb:start")
    await bot.type_village(user, village, "sb:v:")


async def test_weekly_broadcast_reaches_each_subscriber_once_in_their_language(bot: BotHarness) -> None:
    core, jobs = bot.service.core, bot.service.jobs
    assert core is not None and jobs is not None
    await subscribe(bot, IN_REGION_ID, SUNGAI_KAKAP)
    await subscribe(bot, IN_REGION_EN, SUNGAI_KAKAP, "en")
    await subscribe(bot, ELSEWHERE, CILACAP)
    await subscribe(bot, STOPPED, SUNGAI_KAKAP)
    await bot.say(STOPPED, "berhenti")
    seen = {user: len(bot.api.sent(user)) for user in (IN_REGION_ID, IN_REGION_EN, ELSEWHERE, STOPPED)}

    # The test clock stands on Monday 2026-11-23 10:00 WIB: this week's 09:00 was before the
    # broadcast existed, so the first run is next Monday.
    message = await broadcast_admin.create(core, "61.12", "red_flags", None, None, None, ["senin", "09:00"])
    assert "every Mon 09:00 (WIB)" in message
    assert await jobs.fire_broadcasts() == 0
    bot.clock.advance(days=6, hours=22, minutes=59)  # Monday 2026-11-30 08:59 WIB
    assert await jobs.fire_broadcasts() == 0
    bot.clock.advance(minutes=1)
    assert await jobs.fire_broadcasts() == 2
    assert await jobs.fire_broadcasts() == 0, "fired twice: nothing more"
    another_process = Jobs(core.sessions, bot.clock, build_services(Settings()))
    assert await another_process.fire_broadcasts() == 0, "a second scheduler: nothing more"
    await bot.drain_outbox()

    [to_id] = bot.api.sent(IN_REGION_ID)[seen[IN_REGION_ID] :]
    [to_en] = bot.api.sent(IN_REGION_EN)[seen[IN_REGION_EN] :]
    texts = core.services.content
    assert to_id["text"] == texts.texts("id")("broadcasts.red_flags.text")
    assert to_en["text"] == texts.texts("en")("broadcasts.red_flags.text")
    assert len(bot.api.sent(ELSEWHERE)) == seen[ELSEWHERE], "another regency"
    assert len(bot.api.sent(STOPPED)) == seen[STOPPED], "opted out"
    async with core.sessions() as session:
        progress = await broadcasts.progress(session, 1)
    assert (progress.recipients, progress.sent, progress.pending, progress.failed) == (2, 2, 0, 0)

    # A subscriber who blocked the bot fails once and is dropped from the next week's run.
    bot.api.block(IN_REGION_EN)
    bot.clock.advance(days=7)
    assert await jobs.fire_broadcasts() == 2
    await bot.drain_outbox()
    bot.clock.advance(days=7)
    assert await jobs.fire_broadcasts() == 1
    await bot.drain_outbox()
    assert len(bot.api.sent(IN_REGION_ID)) == seen[IN_REGION_ID] + 3


async def test_paused_cancelled_and_once(bot: BotHarness) -> None:
    core, jobs = bot.service.core, bot.service.jobs
    assert core is not None and jobs is not None
    await subscribe(bot, IN_REGION_ID, SUNGAI_KAKAP)
    seen = len(bot.api.sent(IN_REGION_ID))
    await broadcast_admin.create(core, "61", None, "Rapat desa Jumat ini.", "id", "2026-11-25 08:00", None)
    await broadcast_admin.create(core, "61.12", "passport", None, None, "2026-11-25 08:00", None)
    await broadcast_admin.set_status(core, 2, "paused")
    bot.clock.advance(days=2)  # Wednesday 2026-11-25 10:00 WIB
    assert await jobs.fire_broadcasts() == 1, "only the active one"
    await bot.drain_outbox()
    [received] = bot.api.sent(IN_REGION_ID)[seen:]
    assert received["text"] == "Rapat desa Jumat ini."
    async with core.sessions() as session:
        once = await broadcasts.get(session, 1)
    assert once is not None and once.status == "finished"
    await broadcast_admin.set_status(core, 2, "cancelled")
    bot.clock.advance(days=1)
    assert await jobs.fire_broadcasts() == 0


async def test_coordinator_creates_and_manages_broadcasts_in_chat(bot: BotHarness) -> None:
    from bot.cli import admin
    from db.roles import Role

    core, jobs = bot.service.core, bot.service.jobs
    assert core is not None and jobs is not None
    coordinator, outsider = 1301, 1302
    await admin.grant(core, Role.COORDINATOR, f"telegram:{coordinator}", "61.12")
    await admin.grant(core, Role.COORDINATOR, f"telegram:{outsider}", "33.01")
    await bot.onboard(coordinator)
    await bot.onboard(outsider)
    await subscribe(bot, IN_REGION_ID, SUNGAI_KAKAP)
    seen = len(bot.api.sent(IN_REGION_ID))

    replies = await bot.say(coordinator, "/siaran")
    assert "bx:new" in buttons_of(replies[-1])
    replies = await bot.press(coordinator, "bx:new")
    assert "bx:lib:passport" in buttons_of(replies[-1])
    replies = await bot.press(coordinator, "bx:lib:passport")
    assert buttons_of(replies[-1]) == ["bx:region:61.12"], "only the coordinator's own region"
    replies = await bot.press_forged(coordinator, "bx:region:33.01")  # forged: another regency
    assert "tidak punya akses" in replies[0]["text"]
    await bot.press(coordinator, "bx:region:61.12")
    replies = await bot.say(coordinator, "kapan-kapan")
    assert "tidak dimengerti" in replies[0]["text"]
    replies = await bot.press(coordinator, "bx:when:now")
    assert "1 pelanggan" in replies[-1]["text"] and buttons_of(replies[-1])[0] == "bx:confirm"
    replies = await bot.press(coordinator, "bx:confirm")
    assert "Siaran #1 dijadwalkan" in replies[0]["text"]

    assert await jobs.fire_broadcasts() == 1
    await bot.drain_outbox()
    [received] = bot.api.sent(IN_REGION_ID)[seen:]
    assert received["text"] == core.services.content.texts("id")("broadcasts.passport.text")
    replies = await bot.say(coordinator, "/siaran")
    assert "terkirim 1, menunggu 0, gagal 0" in replies[0]["text"]

    # A weekly one, then paused by its coordinator; an outsider can neither see nor touch it.
    await bot.press(coordinator, "bx:new")
    await bot.press(coordinator, "bx:own")
    await bot.say(coordinator, "Rapat desa tiap Senin.")
    await bot.press(coordinator, "bx:region:61.12")
    await bot.say(coordinator, "senin 08:00")
    await bot.press(coordinator, "bx:confirm")
    replies = await bot.press_forged(outsider, "bx:pause:2")
    assert "tidak punya akses" in replies[0]["text"]
    replies = await bot.say(outsider, "/siaran")
    assert "#2" not in replies[0]["text"]
    await bot.say(coordinator, "/siaran")  # the list offers pause and cancel for each broadcast
    await bot.press(coordinator, "bx:pause:2")
    async with core.sessions() as session:
        record = await broadcasts.get(session, 2)
    assert record is not None and record.status == "paused" and record.text == "Rapat desa tiap Senin."


async def test_send_command_delivers_with_a_progress_bar(bot: BotHarness, tmp_path: object) -> None:
    import asyncio
    import os
    import sys

    from tests.harness import ROOT, TOKEN

    core = bot.service.core
    assert core is not None
    await subscribe(bot, IN_REGION_ID, SUNGAI_KAKAP)
    await subscribe(bot, IN_REGION_EN, SUNGAI_KAKAP, "en")
    seen = len(bot.api.sent(IN_REGION_ID))
    await broadcast_admin.create(core, "61.12", "hotlines", None, None, "2027-01-01 09:00", None)
    await bot.service.stop()  # only the command's own process sends now
    bot.service.core = None  # stopped: the fixture must not stop it again
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--config",
        str(ROOT / "config.toml"),
        "broadcast",
        "send",
        "1",
        env={
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "SIGAP_TELEGRAM_TOKEN": TOKEN,
            "SIGAP_TELEGRAM__API_BASE": bot.api.base_url,
            "SIGAP_DATABASE_URL": core.settings.database_url_value(),
        },
        stdout=asyncio.subprocess.PIPE,
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), 60)
    output = stdout.decode()
    assert process.returncode == 0, output
    assert "[########################################] 2/2 sent 2 failed 0" in output
    assert "in all: sent 2, failed 0" in output
    assert len(bot.api.sent(IN_REGION_ID)) == seen + 1


async def test_a_fan_out_cut_short_is_continued_by_the_next_tick_each_subscriber_once(
    bot: BotHarness,
) -> None:
    """The fan-out queues a page of subscribers per transaction; a process that dies between pages
    leaves a run the next tick continues from where it stopped, and nobody is queued twice."""
    import pytest
    from sqlalchemy import select

    from db.models import BroadcastRun, OutboxMessage
    from handlers.broadcasts import sending as broadcasting

    core, jobs = bot.service.core, bot.service.jobs
    assert core is not None and jobs is not None
    users = [3001, 3002, 3003, 3004, 3005]
    for user in users:
        await subscribe(bot, user, SUNGAI_KAKAP, "en" if user % 2 else "id")
    now = bot.clock()
    async with core.sessions() as session, session.begin():
        record = await broadcasts.create_library_once(session, "passport", "61.12", now, "test")
        run_id = await broadcasting.start(session, record, now, now)
    assert run_id is not None
    opened = 0

    def dies_at_the_second_page() -> object:
        nonlocal opened
        opened += 1
        if opened == 2:
            raise RuntimeError("killed between pages")
        return core.sessions()

    with pytest.raises(RuntimeError):
        await broadcasting.queue_run(dies_at_the_second_page, core.services, record, run_id, 0, now, page=2)  # type: ignore[arg-type]

    async def queued() -> list[str]:
        async with core.sessions() as session:
            keys = select(OutboxMessage.idempotency_key).where(OutboxMessage.run_id == run_id)
            return sorted((await session.execute(keys)).scalars())

    assert len(await queued()) == 2, "the first page was committed"
    assert await jobs.fire_broadcasts() == 3, "the next tick continues the run"
    assert await jobs.fire_broadcasts() == 0, "a finished run is not continued again"
    keys = await queued()
    assert len(keys) == len(set(keys)) == 5
    async with core.sessions() as session:
        run = (await session.execute(select(BroadcastRun).where(BroadcastRun.id == run_id))).scalar_one()
        assert (run.recipients, run.fanned_out) == (5, True)
    await bot.drain_outbox()
    texts = core.services.content
    for user in users:
        language = "en" if user % 2 else "id"
        assert bot.api.sent(user)[-1]["text"] == texts.texts(language)("broadcasts.passport.text")


async def test_a_runs_progress_is_counted_from_the_run_status_index_alone(sessions: Any) -> None:
    """`sigap broadcast send` counts the run's messages by status each second: the plan reads
    ix_outbox_run_status only (SQLite: a covering index; PostgreSQL: an index-only scan), not the
    outbox rows, whose number is the run's size (migration 0021)."""
    from sqlalchemy import text

    statement = broadcasts.live_counts([1]).compile(
        sessions.kw["bind"].sync_engine, compile_kwargs={"literal_binds": True}
    )
    async with sessions() as session:
        if session.bind.dialect.name == "sqlite":
            plan = (await session.execute(text(f"EXPLAIN QUERY PLAN {statement}"))).all()
            steps = [str(row[-1]) for row in plan if "outbox" in str(row[-1])]
            assert steps == ["SEARCH outbox USING COVERING INDEX ix_outbox_run_status (run_id=?)"], plan
        else:
            # An empty table: the planner must be told to prefer any index over reading the table.
            await session.execute(text("SET enable_seqscan = off"))
            await session.execute(text("SET enable_bitmapscan = off"))
            plan = (await session.execute(text(f"EXPLAIN {statement}"))).scalars().all()
            assert any("Index Only Scan using ix_outbox_run_status on outbox" in step for step in plan), plan
