"""The shared rate's arithmetic (ground/pacing.py, bot/rate.py): whatever the takes, give-backs and
clocks, no one-second window holds more than the limit; a busy channel uses nearly all of it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rate import AHEAD, MARGIN
from ground.pacing import Reservation, given_back, reserve

# One operation: how far the clock moved (a little backwards too: another process's clock), how
# many are wanted, and how many of them the worker used (the rest given back).
operation = st.tuples(
    st.floats(min_value=-0.05, max_value=0.7), st.integers(0, 200), st.floats(min_value=0, max_value=1)
)


def busiest_second(times: list[float], limit: int) -> float:
    """The shortest span holding limit + 1 send times (> 1 s + MARGIN: no second holds more)."""
    times = sorted(times)
    return min((times[i + limit] - times[i] for i in range(len(times) - limit)), default=float("inf"))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 600), st.lists(operation, max_size=200))
def test_no_sliding_second_ever_holds_more_than_the_limit(limit: int, operations: list) -> None:  # type: ignore[type-arg]
    spacing = (1 + MARGIN) / limit
    free_at, now = 0.0, 1000.0
    sent: list[float] = []
    for moved, wanted, share in operations:
        now += moved
        taken = reserve(free_at, now, wanted, spacing, AHEAD)
        assert taken.count == 0 or taken.send_at(taken.count - 1) < now + AHEAD + 1e-6
        assert taken.count == 0 or taken.start >= now - 1e-9, "never a time already past"
        free_at = taken.end
        used = int(taken.count * share)
        sent += [taken.send_at(i) for i in range(used)]
        free_at = given_back(free_at, taken, used)
    # Even if each send reached the platform up to MARGIN later than another, a second holds <= limit.
    assert busiest_second(sent, limit) >= 1 + MARGIN - 1e-6


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 1000), st.lists(st.floats(min_value=0.001, max_value=AHEAD / 2), min_size=1))
def test_a_busy_channel_uses_nearly_all_of_its_limit(limit: int, gaps: list[float]) -> None:
    """Workers asking for plenty whenever they like, as long as some take comes within half of
    AHEAD of the last: over ten seconds, >= 0.97 of the limit is granted (the slots of twenty
    shares reached 0.952)."""
    spacing = (1 + MARGIN) / limit
    free_at, now, granted = 0.0, 1000.0, 0
    end = now + 10.0
    step = 0
    while now < end:
        now += gaps[step % len(gaps)]
        step += 1
        taken = reserve(free_at, now, 10**6, spacing, AHEAD)
        free_at = taken.end
        granted += sum(1 for i in range(taken.count) if taken.send_at(i) < end)
    assert granted >= 0.97 * limit * (end - 1000.0 - gaps[0]) - 1


def test_only_the_last_reservation_is_given_back() -> None:
    first = reserve(0.0, 10.0, 10, 0.1, AHEAD)
    assert (first.count, first.start) == (5, 10.0)
    second = reserve(first.end, 10.0, 10, 0.1, 1.0)
    assert second.start == first.end
    assert given_back(second.end, first, 0) == second.end, "someone reserved after it: kept"
    assert given_back(second.end, second, 2) == second.start + 0.2


def test_a_clock_stepped_back_starts_again_from_now() -> None:
    assert reserve(10_000.0, 100.0, 3, 0.1, AHEAD) == Reservation(3, 100.0, 0.1, 100.0 + 3 * 0.1)
