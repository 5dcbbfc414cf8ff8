"""Retry policy: waits exactly retry_after on 429, backs off on transient errors, never retries a block."""

from __future__ import annotations

import pytest

from bot.delivery import Blocked, Permanent, RetryLater, RetryPolicy, Transient, deliver

POLICY = RetryPolicy(
    max_attempts=4, backoff_base_seconds=1.0, backoff_max_seconds=3.0, max_retry_after_seconds=60
)


class Script:
    """send() that raises the scripted errors in turn, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.sleeps: list[float] = []

    async def send(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "sent"

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


async def test_retry_after_is_waited_exactly() -> None:
    script = Script(RetryLater(7), RetryLater(2))
    assert await deliver(script.send, POLICY, script.sleep) == "sent"
    assert script.sleeps == [7, 2]


async def test_transient_errors_back_off_exponentially_up_to_the_cap() -> None:
    script = Script(Transient("502"), Transient("timeout"), Transient("502"))
    assert await deliver(script.send, POLICY, script.sleep) == "sent"
    assert script.sleeps == [1.0, 2.0, 3.0]


async def test_gives_up_after_max_attempts() -> None:
    script = Script(*[Transient("502")] * 10)
    with pytest.raises(Transient, match=r"^502$"):
        await deliver(script.send, POLICY, script.sleep)
    assert script.calls == POLICY.max_attempts


async def test_blocked_and_permanent_are_not_retried() -> None:
    for error in (Blocked("blocked"), Permanent("bad request")):
        script = Script(error)
        with pytest.raises(type(error), match=f"^{error}$"):
            await deliver(script.send, POLICY, script.sleep)
        assert script.calls == 1 and script.sleeps == []


async def test_absurd_retry_after_is_not_waited() -> None:
    script = Script(RetryLater(3600))
    with pytest.raises(RetryLater, match="retry after 3600s"):
        await deliver(script.send, POLICY, script.sleep)
    assert script.sleeps == []
