"""When a broadcast is due: once at a local date and time, or every week on a day, in the region's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES_ID = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")


class ScheduleError(ValueError):
    """A schedule that cannot be understood; the message says what to write."""


@dataclass(frozen=True)
class Schedule:
    kind: str  # "once" | "weekly"
    timezone: str
    run_at: datetime | None = None  # once: UTC
    weekday: int | None = None  # weekly: 0 = Monday
    local_time: str | None = None  # weekly: "09:00"

    def latest_due(self, created_at: datetime, now: datetime) -> datetime | None:
        """The most recent due time at or before now (and not before the broadcast existed)."""
        if self.kind == "once":
            return self.run_at if self.run_at is not None and self.run_at <= now else None
        due = self._latest_weekly(now)
        # A weekly broadcast made on Tuesday for Mondays starts next Monday, not last Monday.
        return due if due >= created_at - timedelta(seconds=60) else None

    def next_due(self, now: datetime) -> datetime | None:
        if self.kind == "once":
            return self.run_at if self.run_at is not None and self.run_at > now else None
        return self._latest_weekly(now) + timedelta(days=7)

    def _latest_weekly(self, now: datetime) -> datetime:
        assert self.weekday is not None and self.local_time is not None
        zone = ZoneInfo(self.timezone)
        local_now = now.astimezone(zone)
        hour, minute = (int(part) for part in self.local_time.split(":"))
        days_back = (local_now.weekday() - self.weekday) % 7
        candidate = datetime.combine(local_now.date() - timedelta(days=days_back), time(hour, minute), zone)
        if candidate > local_now:
            candidate -= timedelta(days=7)
        return candidate.astimezone(UTC)


def once_at(local: str, timezone: str) -> Schedule:
    """'2026-12-01 09:00' in the region's zone."""
    try:
        moment = datetime.strptime(local.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(timezone))
    except ValueError as exc:
        raise ScheduleError("write the time as YYYY-MM-DD HH:MM, e.g. 2026-12-01 09:00") from exc
    return Schedule("once", timezone, run_at=moment.astimezone(UTC))


def weekly(day: str, local_time: str, timezone: str) -> Schedule:
    """'mon' (or 'senin') at '09:00' in the region's zone."""
    key = day.strip().lower()[:3]
    names = [name[:3] for name in WEEKDAY_NAMES_ID]
    if key in WEEKDAYS:
        weekday = WEEKDAYS.index(key)
    elif key in names:
        weekday = names.index(key)
    else:
        raise ScheduleError(f"day must be one of {', '.join(WEEKDAYS)} (or senin ... minggu)")
    try:
        parsed = datetime.strptime(local_time.strip(), "%H:%M")
    except ValueError as exc:
        raise ScheduleError("write the time as HH:MM, e.g. 09:00") from exc
    return Schedule("weekly", timezone, weekday=weekday, local_time=parsed.strftime("%H:%M"))
