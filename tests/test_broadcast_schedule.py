"""Broadcast schedules in local time (WIB, WITA, WIT), stored and compared in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.broadcasts.schedule import ScheduleError, once_at, weekly

CREATED = datetime(2026, 11, 1, tzinfo=UTC)


def test_once_is_due_from_its_local_time_on() -> None:
    schedule = once_at("2026-12-01 09:00", "Asia/Jayapura")  # WIT = UTC+9
    assert schedule.run_at == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    assert schedule.latest_due(CREATED, datetime(2026, 11, 30, 23, 59, tzinfo=UTC)) is None
    assert schedule.latest_due(CREATED, datetime(2026, 12, 1, 0, 0, tzinfo=UTC)) == schedule.run_at
    assert schedule.next_due(datetime(2026, 12, 2, tzinfo=UTC)) is None


def test_weekly_monday_nine_in_each_zone() -> None:
    monday = datetime(2026, 11, 23, tzinfo=UTC)  # a Monday
    for zone, utc_hour in (("Asia/Jakarta", 2), ("Asia/Makassar", 1), ("Asia/Jayapura", 0)):
        schedule = weekly("senin", "09:00", zone)
        due = schedule.latest_due(CREATED, monday.replace(hour=12))
        assert due == monday.replace(hour=utc_hour), zone
        assert schedule.next_due(monday.replace(hour=12)) == monday.replace(day=30, hour=utc_hour)


def test_weekly_does_not_fire_for_a_week_before_it_existed() -> None:
    schedule = weekly("mon", "09:00", "Asia/Jakarta")
    created_tuesday = datetime(2026, 11, 24, 5, tzinfo=UTC)
    assert schedule.latest_due(created_tuesday, datetime(2026, 11, 25, tzinfo=UTC)) is None
    assert schedule.latest_due(created_tuesday, datetime(2026, 11, 30, 2, 0, tzinfo=UTC)) == datetime(
        2026, 11, 30, 2, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "day, at, explained",
    [("funday", "09:00", "day must be one of mon, "), ("mon", "9h", "HH:MM"), ("mon", "25:00", "HH:MM")],
)
def test_bad_weekly_schedules_are_explained(day: str, at: str, explained: str) -> None:
    with pytest.raises(ScheduleError, match=explained):
        weekly(day, at, "Asia/Jakarta")


def test_bad_once_is_explained() -> None:
    with pytest.raises(ScheduleError, match="YYYY-MM-DD HH:MM"):
        once_at("besok pagi", "Asia/Jakarta")
