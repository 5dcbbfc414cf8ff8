"""The durable outbox against the fake Bot API: once per key, retries on the clock, no double sends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import TelegramChannel
from bot.delivery import RetryPolicy
from bot.outbox import OutboxSender
from db import outbox, queries
from db.models import OutboxMessage, User
from db.session import create_engine, create_sessionmaker
from ground.messages import Button, Reply
from tests.harness import TOKEN, FakeClock

POLICY = RetryPolicy(max_attempts=3, backoff_base_seconds=10, backoff_max_seconds=60)


@dataclass
class Rig:
    sessions: async_sessionmaker[AsyncSession]
    sender: OutboxSender
    clock: FakeClock
    api: Any

    async def enqueue(self, key: str, chat_id: int, text: str = "hello") -> bool:
        self.api.open_chat(chat_id)  # someone who has written to the bot: it may write back
        async with self.sessions() as session, session.begin():
            return await outbox.enqueue(session, key, "telegram", str(chat_id), Reply(text), self.clock())

    async def rows(self) -> list[OutboxMessage]:
        async with self.sessions() as session:
            return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


@pytest.fixture
async def rig(database_url: str, fake_api: Any) -> AsyncIterator[Rig]:
    database = create_engine(database_url)
    sessions = create_sessionmaker(database)
    clock = FakeClock()
    channel = TelegramChannel(TOKEN, fake_api.base_url, None, POLICY)  # type: ignore[arg-type]
    # No per-chat spacing here: these tests retry one chat at once on a hand-moved clock.
    sender = OutboxSender(sessions, {"telegram": channel}, POLICY, clock, per_chat_interval=0)
    yield Rig(sessions, sender, clock, fake_api)
    await channel.close()
    await database.dispose()


async def test_same_key_is_queued_and_sent_once(rig: Rig) -> None:
    assert await rig.enqueue("forward:1:7", 7)
    assert not await rig.enqueue("forward:1:7", 7)
    reply_with_buttons = Reply("case", ((Button("Terima", "cs:ack:1"),),))
    rig.api.open_chat(8)
    async with rig.sessions() as session, session.begin():
        await outbox.enqueue(session, "forward:1:8", "telegram", "8", reply_with_buttons, rig.clock())
    assert await rig.sender.drain_once() == 2
    assert await rig.sender.drain_once() == 0
    assert [m["text"] for m in rig.api.sent(7)] == ["hello"]
    assert rig.api.sent(8)[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "cs:ack:1"
    rows = await rig.rows()
    assert [r.status for r in rows] == ["sent", "sent"]
    assert all(r.payload == {} for r in rows), "no personal text kept once delivered"


async def test_429_waits_for_retry_after_on_the_clock(rig: Rig) -> None:
    await rig.enqueue("k", 7)
    rig.api.fail_next("sendMessage", 429, retry_after=30)
    await rig.sender.drain_once()
    assert rig.api.sent(7) == []
    rig.clock.advance(seconds=29)
    assert await rig.sender.drain_once() == 0, "not before retry_after"
    rig.clock.advance(seconds=2)
    assert await rig.sender.drain_once() == 1
    assert len(rig.api.sent(7)) == 1


async def test_5xx_backs_off_then_gives_up(rig: Rig) -> None:
    await rig.enqueue("k", 7)
    rig.api.fail_next("sendMessage", 502, times=10)
    await rig.sender.drain_once()
    rig.clock.advance(seconds=9)
    assert await rig.sender.drain_once() == 0
    rig.clock.advance(seconds=2)  # first backoff: 10 s
    assert await rig.sender.drain_once() == 1
    rig.clock.advance(seconds=21)  # second backoff: 20 s
    assert await rig.sender.drain_once() == 1
    [row] = await rig.rows()
    assert (row.status, row.attempts) == ("failed", 3)
    assert "gave up" in (row.last_error or "")


async def test_blocked_chat_fails_at_once_and_marks_the_user(rig: Rig) -> None:
    async with rig.sessions() as session, session.begin():
        await queries.get_or_create_user(session, "telegram", "7", "7", "id", rig.clock())
    await rig.enqueue("k", 7)
    rig.api.block(7)
    await rig.sender.drain_once()
    [row] = await rig.rows()
    assert row.status == "failed" and row.attempts == 1
    async with rig.sessions() as session:
        assert (await session.execute(select(User.blocked))).scalar_one() is True


async def test_two_workers_never_send_the_same_message(rig: Rig) -> None:
    for n in range(40):
        await rig.enqueue(f"k{n}", 1000 + n, f"m{n}")
    second = OutboxSender(rig.sessions, rig.sender._channels, POLICY, rig.clock, batch=5, per_chat_interval=0)
    rig.sender._batch = 5

    async def work(sender: OutboxSender) -> int:
        total = 0
        while claimed := await sender.drain_once():
            total += claimed
        return total

    first_count, second_count = await asyncio.gather(work(rig.sender), work(second))
    assert first_count + second_count == 40
    assert sorted(len(rig.api.sent(1000 + n)) for n in range(40)) == [1] * 40


async def test_a_round_slower_than_its_lease_keeps_its_messages(rig: Rig) -> None:
    """A platform slower than the lease (or a loaded machine): the first worker renews its lease
    while its sends wait, so a second worker looking after the first lease ran out takes nothing
    and no one is sent a message twice."""
    for n in range(10):
        await rig.enqueue(f"slow{n}", 2000 + n)
    rig.api.send_delay = 1.0
    lease = timedelta(seconds=0.3)
    channels = rig.sender._channels
    first = OutboxSender(rig.sessions, channels, POLICY, rig.clock, lease=lease, per_chat_interval=0)
    second = OutboxSender(rig.sessions, channels, POLICY, rig.clock, lease=lease, per_chat_interval=0)
    round_ = asyncio.create_task(first.drain_once())
    for _ in range(500):
        if rig.api.in_flight == 10:
            break
        await asyncio.sleep(0.01)
    assert rig.api.in_flight == 10
    rig.clock.advance(seconds=1)  # well past the lease taken at the claim
    await asyncio.sleep(0.3)  # three renewals' time
    assert await second.drain_once() == 0, "the second worker took messages the first still sends"
    assert await round_ == 10
    rig.clock.advance(seconds=1)
    assert await second.drain_once() == 0
    assert [len(rig.api.sent(2000 + n)) for n in range(10)] == [1] * 10
    assert {row.status for row in await rig.rows()} == {"sent"}


async def test_a_stop_records_the_sends_under_way_and_gives_back_the_rest(rig: Rig) -> None:
    """A stop (SIGTERM at a deploy) in the middle of a round: the two sends under way are recorded
    as sent (cancelled, the platform would have them but the outbox not, and they would go again
    after the lease), and the eight not started are due again at once for the next process, not
    held until the lease runs out."""
    for n in range(10):
        await rig.enqueue(f"stop{n}", 3000 + n)
    rig.api.send_delay = 1.0
    sender = OutboxSender(
        rig.sessions, rig.sender._channels, POLICY, rig.clock, per_chat_interval=0, concurrency=2
    )
    sender.start()
    for _ in range(500):
        if rig.api.in_flight == 2:
            break
        await asyncio.sleep(0.01)
    assert rig.api.in_flight == 2
    await sender.stop()
    rows = await rig.rows()
    delivered = {row.chat_id for row in rows if rig.api.sent(row.chat_id)}
    assert len(delivered) == 2
    assert {row.chat_id for row in rows if row.status == "sent"} == delivered
    waiting = [row for row in rows if row.status == "pending"]
    assert len(waiting) == 8
    assert all(row.next_attempt_at <= rig.clock() for row in waiting), "held by a stopped sender"


async def test_a_chat_has_one_send_in_flight_however_many_rounds_run(rig: Rig) -> None:
    """The sender runs rounds side by side: a message queued for a chat while another round still
    sends to it waits for that send, so one chat's messages go in the order they were queued."""
    rig.api.send_delay = 0.5
    sender = OutboxSender(rig.sessions, rig.sender._channels, POLICY, rig.clock, per_chat_interval=0)
    await rig.enqueue("forward", 9, "the case")
    sender.start()
    try:
        for _ in range(300):
            if rig.api.in_flight == 1:
                break
            await asyncio.sleep(0.01)
        assert rig.api.in_flight == 1
        await rig.enqueue("photo", 9, "its photo")
        sender.wake()  # the other round claims it at once
        await asyncio.sleep(0.25)
        assert rig.api.in_flight == 1, "a second send to the chat started beside the first"
        await rig.api.wait_for_sent(2, chat_id=9)
    finally:
        await sender.stop()
    assert [m["text"] for m in rig.api.sent(9)] == ["the case", "its photo"]


async def test_a_message_that_must_wait_keeps_the_next_to_its_chat_behind_it(rig: Rig) -> None:
    """A case and its photo in one round: the platform asks the case to wait (429), so the photo
    waits as long, instead of arriving first."""
    rig.api.fail_next("sendMessage", 429, retry_after=2, chat_id=9)
    await rig.enqueue("case", 9, "the case")
    await rig.enqueue("photo", 9, "its photo")
    await rig.enqueue("other", 10, "someone else")
    assert await rig.sender.drain_once() == 3
    assert rig.api.sent(9) == [] and len(rig.api.sent(10)) == 1
    rig.clock.advance(seconds=2)
    while await rig.sender.drain_once():
        pass
    assert [m["text"] for m in rig.api.sent(9)] == ["the case", "its photo"]


async def test_a_round_gives_one_moment_to_each_chat(rig: Rig) -> None:
    """Several messages to one chat in a batch: the round sends the first and asks the shared rate
    for its moment only; the rest wait for the next rounds (sent one after the other in a round,
    each would start past its moment, be given back, and its moment be lost to everyone)."""
    from bot.rate import SharedRate

    asked: list[int] = []

    class Counted(SharedRate):
        async def take(self, channel: str, wanted: int) -> list[float]:
            asked.append(wanted)
            return await super().take(channel, wanted)

    rate = Counted(rig.sessions, {"telegram": 100})
    sender = OutboxSender(
        rig.sessions, rig.sender._channels, POLICY, rig.clock, rate=rate, per_chat_interval=0
    )
    for n in range(5):
        await rig.enqueue(f"forward{n}", 9, f"case {n}")
    for chat in range(5):
        await rig.enqueue(f"other{chat}", 100 + chat, "hello")
    assert await sender.drain_once() == 10
    assert asked == [6], "a moment for each chat, none for the messages that wait"
    # At most the first to that chat in this round: a send that starts past its moment (a loaded
    # machine) goes back to the queue, so whether it went now is timing, not the rule tested.
    assert [m["text"] for m in rig.api.sent(9)] in ([], ["case 0"])
    assert all(len(rig.api.sent(100 + chat)) <= 1 for chat in range(5))
    while await sender.drain_once():
        pass
    assert [m["text"] for m in rig.api.sent(9)] == [f"case {n}" for n in range(5)]


async def test_a_round_that_fails_before_sending_gives_its_batch_back(rig: Rig) -> None:
    """The database away when the round asks for its moments: the batch goes back to the queue at
    once, not when the claim's lease (two minutes) runs out."""
    from bot.rate import SharedRate

    class Unreachable(SharedRate):
        async def take(self, channel: str, wanted: int) -> list[float]:
            raise ConnectionError("the database went away")

    failing = OutboxSender(
        rig.sessions,
        rig.sender._channels,
        POLICY,
        rig.clock,
        rate=Unreachable(rig.sessions, {"telegram": 100}),
    )
    await rig.enqueue("k", 7)
    with pytest.raises(ConnectionError):
        await failing.drain_once()
    [row] = await rig.rows()
    assert row.next_attempt_at <= rig.clock() and row.attempts == 0
    assert await rig.sender.drain_once() == 1
    assert len(rig.api.sent(7)) == 1


async def test_one_chat_gets_at_most_one_message_a_second(rig: Rig) -> None:
    spaced = OutboxSender(rig.sessions, rig.sender._channels, POLICY, rig.clock, per_chat_interval=1.0)
    await rig.enqueue("first", 7, "one")
    await rig.enqueue("second", 7, "two")
    await rig.enqueue("other", 8, "three")
    assert await spaced.drain_once() == 3
    assert [m["text"] for m in rig.api.sent(7)] == ["one"], "the second waits for the chat's next second"
    assert len(rig.api.sent(8)) == 1
    waiting = [r for r in await rig.rows() if r.status == "pending"]
    assert len(waiting) == 1 and waiting[0].attempts == 0, "postponed, not counted as a failed attempt"
    assert waiting[0].next_attempt_at > rig.clock()
    await asyncio.sleep(1.0)
    rig.clock.advance(seconds=1)
    assert await spaced.drain_once() == 1
    assert [m["text"] for m in rig.api.sent(7)] == ["one", "two"]


async def test_shared_rate_never_lets_more_than_the_limit_reach_the_platform_in_any_second(
    rig: Rig,
) -> None:
    """Platforms count a sliding second when sends reach them: whatever second is looked at, and
    however each send is delayed within SPREAD of its moment, never more than the limit, across
    processes; nearly the limit is used; idle time earns no burst."""
    from bot.rate import HORIZON, LEAD, SPREAD, SharedRate, spacing

    limit = 50
    clock = [1000.0]
    first = SharedRate(rig.sessions, {"telegram": limit}, lambda: clock[0], lambda: clock[0])
    second = SharedRate(rig.sessions, {"telegram": limit}, lambda: clock[0], lambda: clock[0])
    assert await first.take("whatsapp", 500) == [1000.0] * 500, "no limit configured for that channel"
    moments: list[float] = []
    for step in range(300):  # three seconds of rounds, both processes asking for plenty
        clock[0] = 1000.0 + step * 0.01
        for rate in (first, second) if step % 2 else (second, first):
            moments += await rate.take("telegram", 7)
    assert moments == sorted(moments) and len(set(moments)) == len(moments)
    assert moments[0] == pytest.approx(1000.0 + LEAD), (
        "an idle channel's first moment leaves the grant time to come back"
    )
    # The worst delays put every send whose moment lies in 1 + SPREAD seconds into one second.
    busiest = max(sum(1 for m in moments if start <= m <= start + 1 + SPREAD + 1e-9) for start in moments)
    assert busiest <= limit
    assert busiest >= limit - 1, "the limit is nearly used"
    assert moments[-1] <= clock[0] + HORIZON, "nothing granted further ahead than the horizon"
    # Refused: room comes back once the last moment is within the horizon again.
    assert await first.take("telegram", 1) == []
    assert 0 < first.seconds_to_room() <= spacing(limit) + 1e-9
    # A queue idle for ten seconds does not earn the ten seconds' sends in a burst.
    clock[0] += 10.0
    burst = await first.take("telegram", 1000)
    assert len(burst) == int((HORIZON - LEAD) / spacing(limit)) + 1
    assert burst[0] == pytest.approx(clock[0] + LEAD)


async def test_a_send_that_missed_its_moment_goes_back_to_the_queue(rig: Rig, database_url: str) -> None:
    """A send that cannot start near its paced moment (the platform slow, the sender busy) would
    reach the platform with the next moments' sends: it is given back, not sent late."""
    from bot.rate import SharedRate

    rig.api.send_delay = 0.3
    sender = OutboxSender(
        rig.sessions,
        rig.sender._channels,
        POLICY,
        rig.clock,
        rate=SharedRate(rig.sessions, {"telegram": 100}),
        concurrency=1,
    )
    for chat in range(5):
        await rig.enqueue(f"m{chat}", 100 + chat, "hello")
    assert await sender.drain_once() == 5
    rows = await rig.rows()
    # The first send may itself start past its moment on a loaded machine (then it too goes back):
    # what matters is that none behind a slow send went late.
    sent = len([row for row in rows if row.status == "sent"])
    waiting = [row for row in rows if row.status == "pending"]
    assert sent <= 1 and len(waiting) == 5 - sent
    assert all(row.attempts == 0 for row in waiting), "given back, not failed"
    assert sum(len(rig.api.sent(100 + chat)) for chat in range(5)) == sent


async def test_an_adapter_bug_is_retried_later_not_left_until_the_lease(rig: Rig) -> None:
    """An exception no adapter should raise is counted as a failed attempt with backoff, so the
    batch is recorded and the message comes back on the clock, not after the claim's lease."""

    class Broken:
        name = "telegram"
        session_window = None

        async def send_once(self, chat_id: str, reply: Reply) -> str:
            raise RuntimeError("bug")

    sender = OutboxSender(rig.sessions, {"telegram": Broken()}, POLICY, rig.clock, per_chat_interval=0)  # type: ignore[dict-item]
    await rig.enqueue("k", 7)
    await sender.drain_once()
    [row] = await rig.rows()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "unexpected: RuntimeError")
    assert row.next_attempt_at == rig.clock() + timedelta(seconds=POLICY.backoff(1))
