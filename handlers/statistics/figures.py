"""The task force's numbers for a region and a period: cases, checks, red flags, places, 12 weeks.

Pure computation over facts and counts read by db/statistics (checks are counted by the database,
never read one by one); the digest, /statistik, `sigap stats` and the
exports all show what `summarise` returns, so they never disagree."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db import regions, statistics
from db.cases import KINDS
from db.statistics import AD, CHECKLIST, CaseFact, CheckCount, CheckTally

RISKS = ("high", "medium", "low")
WEEKS_SHOWN = 12
TOP = 5
# Counts from 1 to this minus one are shown as "<5" in anything broader than one regency, so a
# small number cannot point to a family in a province-wide or national report.
SMALL_COUNT = 5


@dataclass(frozen=True)
class Scope:
    """Whose numbers: a regency (61.01), a province (61), a smaller area, or the whole country (None)."""

    region_code: str | None
    name: str
    timezone: str

    @property
    def suppresses_small_counts(self) -> bool:
        """True when broader than one regency (a regency code is "61.01": five characters)."""
        return self.region_code is None or len(self.region_code) < 5

    @property
    def breakdown_length(self) -> int | None:
        """The code length of the parts a broad scope is shown by: provinces (2) or regencies (5)."""
        if self.region_code is None:
            return 2
        return 5 if len(self.region_code) == 2 else None


@dataclass(frozen=True)
class Period:
    """Local days [start, end): the region's own calendar days, in its own time zone."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def last_days(today: date, days: int) -> Period:
    """The `days` days up to and including today."""
    return Period(today - timedelta(days=days - 1), today + timedelta(days=1))


@dataclass(frozen=True)
class CaseCounts:
    new: int
    new_by_kind: dict[str, int]
    open: int
    overdue: int
    closed: int


@dataclass(frozen=True)
class Week:
    start: date
    new_cases: dict[str, int]  # by kind
    checks: dict[str, int]  # by risk, checklists and ad checks together


@dataclass(frozen=True)
class AreaLine:
    """One province or regency of a broad scope: its new cases and its high-risk checks."""

    code: str
    new_cases: int
    open_cases: int
    high_checks: int


@dataclass(frozen=True)
class Summary:
    scope: Scope
    period: Period
    cases: CaseCounts
    previous_cases: CaseCounts
    checklists: dict[str, int]  # by risk
    previous_checklists: dict[str, int]
    ads: dict[str, int]
    previous_ads: dict[str, int]
    top_flags: list[tuple[str, int]]
    top_destinations: list[tuple[str, int]]
    top_villages: list[tuple[str, int]]
    areas: list[AreaLine]
    weeks: list[Week]

    def shown(self, count: int) -> str:
        """A count as it may be shown in this scope: "<5" for 1-4 when broader than a regency."""
        if self.scope.suppresses_small_counts and 0 < count < SMALL_COUNT:
            return f"<{SMALL_COUNT}"
        return str(count)


def moment(day: date, zone: str) -> datetime:
    """Local midnight at the start of `day`, in UTC."""
    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(UTC)


def chart_weeks(period: Period) -> list[Period]:
    """The 12 weeks ending with the period's last day, oldest first."""
    return [
        Period(period.end - timedelta(days=7 * n), period.end - timedelta(days=7 * (n - 1)))
        for n in range(WEEKS_SHOWN, 0, -1)
    ]


def _case_counts(facts: Iterable[CaseFact], period: Period, zone: str, now: datetime) -> CaseCounts:
    start, end = moment(period.start, zone), moment(period.end, zone)
    as_of = min(end, now)  # "open" and "overdue" at the end of the period, or now if it has not ended
    new: Counter[str] = Counter()
    opened = overdue = closed = 0
    for case in facts:
        if start <= case.created_at < end:
            new[case.kind] += 1
        if case.closed_at is not None and start <= case.closed_at < end:
            closed += 1
        if case.created_at < as_of and (case.closed_at is None or case.closed_at >= as_of):
            opened += 1
            if case.ack_deadline <= as_of and (case.acknowledged_at is None or case.acknowledged_at > as_of):
                overdue += 1
    return CaseCounts(sum(new.values()), {kind: new[kind] for kind in KINDS}, opened, overdue, closed)


def _by_risk(counts: Iterable[CheckCount], period: Period, source: str | None = None) -> dict[str, int]:
    totals = dict.fromkeys(RISKS, 0)
    for count in counts:
        if (source is None or count.source == source) and period.contains(count.day) and count.risk in totals:
            totals[count.risk] += count.count
    return totals


def _top(counter: Counter[str]) -> list[tuple[str, int]]:
    # Ties in a fixed order (the code), so the same data always reads the same.
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:TOP]


def _areas(
    scope: Scope, facts: list[CaseFact], period: Period, high_by_area: dict[str, int], now: datetime
) -> list[AreaLine]:
    length = scope.breakdown_length
    if length is None:
        return []
    # Each case is looked at once: grouped by its area first, then counted per area.
    by_area: dict[str, list[CaseFact]] = {}
    for case in facts:
        by_area.setdefault(case.village_code[:length], []).append(case)
    lines = []
    for code in by_area.keys() | high_by_area.keys():
        counts = _case_counts(by_area.get(code, []), period, scope.timezone, now)
        high = high_by_area.get(code, 0)
        if counts.new or counts.open or high:
            lines.append(AreaLine(code, counts.new, counts.open, high))
    return sorted(lines, key=lambda line: (-line.new_cases, -line.high_checks, -line.open_cases, line.code))


def summarise(
    scope: Scope,
    period: Period,
    cases: list[CaseFact],
    counts: list[CheckCount],
    tally: CheckTally,
    top_villages: list[tuple[str, int]],
    now: datetime,
) -> Summary:
    """The numbers of one scope and period. `counts` must reach back 12 weeks before the period's
    end; `tally` and `top_villages` cover the period itself (db.statistics reads them all)."""
    zone = scope.timezone
    weeks = []
    for week in chart_weeks(period):
        new = _case_counts(cases, week, zone, now).new_by_kind
        weeks.append(Week(week.start, new, _by_risk(counts, week)))
    return Summary(
        scope=scope,
        period=period,
        cases=_case_counts(cases, period, zone, now),
        previous_cases=_case_counts(cases, period.previous, zone, now),
        checklists=_by_risk(counts, period, CHECKLIST),
        previous_checklists=_by_risk(counts, period.previous, CHECKLIST),
        ads=_by_risk(counts, period, AD),
        previous_ads=_by_risk(counts, period.previous, AD),
        top_flags=_top(Counter(tally.flags)),
        top_destinations=_top(Counter(tally.destinations)),
        top_villages=top_villages,
        areas=_areas(scope, cases, period, tally.high_by_area, now),
        weeks=weeks,
    )


async def gather(session: AsyncSession, scope: Scope, period: Period, now: datetime) -> Summary:
    """Reads what `summarise` needs for the scope and period, and computes the summary."""
    first_week = chart_weeks(period)[0].start
    since = min(first_week, period.previous.start)
    region, zone = scope.region_code, scope.timezone
    cases = await statistics.case_facts(session, region, moment(since, zone))
    counts = await statistics.check_counts(session, region, since, period.end)
    tally = await statistics.check_tally(session, region, period.start, period.end, scope.breakdown_length)
    start, end = moment(period.start, zone), moment(period.end, zone)
    villages = await statistics.warning_villages(session, region, start, end, period.start, period.end, TOP)
    # In a thread: a country's cases are walked once per week and area, and other chats go on.
    return await asyncio.to_thread(summarise, scope, period, cases, counts, tally, villages, now)


async def gather_many(
    session: AsyncSession, wanted: Sequence[tuple[Scope, Period]], now: datetime
) -> list[Summary]:
    """gather() of many scopes (the weekly digest of every region) in one pass: the regions of one
    period are read together in grouped queries (db.statistics.*_of_regions), so the statements do
    not grow with the regions; the whole country, if asked for, is read as gather() reads it."""
    found: dict[int, Summary] = {}
    by_period: dict[Period, list[int]] = {}
    for index, (scope, period) in enumerate(wanted):
        if scope.region_code is None:
            found[index] = await gather(session, scope, period, now)
        else:
            by_period.setdefault(period, []).append(index)
    for period, indexes in by_period.items():
        scopes = {str(wanted[index][0].region_code): wanted[index][0] for index in indexes}
        codes = sorted(scopes)
        since = min(chart_weeks(period)[0].start, period.previous.start)
        opened_since = {code: moment(since, scope.timezone) for code, scope in scopes.items()}
        cases = await statistics.case_facts_of_regions(session, codes, min(opened_since.values()))
        counts = await statistics.check_counts_of_regions(session, codes, since, period.end)
        tallies = await statistics.check_tallies_of_regions(
            session,
            {code: scope.breakdown_length for code, scope in scopes.items()},
            period.start,
            period.end,
        )
        windows = {
            code: (moment(period.start, scope.timezone), moment(period.end, scope.timezone))
            for code, scope in scopes.items()
        }
        villages = await statistics.warning_villages_of_regions(
            session, windows, period.start, period.end, TOP
        )
        for index in indexes:
            scope = wanted[index][0]
            code = str(scope.region_code)
            # The cases gather() would read for this region: open at some moment since its `since`.
            mine = [c for c in cases[code] if c.closed_at is None or c.closed_at >= opened_since[code]]
            found[index] = await asyncio.to_thread(
                summarise, scope, period, mine, counts[code], tallies[code], villages[code], now
            )
    return [found[index] for index in range(len(wanted))]


async def read_summary(
    session: AsyncSession, now: datetime, region_code: str | None, days: int, everywhere: str
) -> tuple[Summary, dict[str, str]]:
    """The last `days` days of a region (None: the country, named `everywhere`) up to today in
    its zone, and the names of the places it lists: what /statistik reads through Turn.read, in
    a read-only session of its own."""
    scope = await scope_of(session, region_code, everywhere)
    today = now.astimezone(ZoneInfo(scope.timezone)).date()
    summary = await gather(session, scope, last_days(today, days), now)
    return summary, await place_names(session, summary)


async def scope_of(session: AsyncSession, region_code: str | None, everywhere: str) -> Scope:
    """The scope of a role's region (None: the whole country, named `everywhere`)."""
    if region_code is None:
        return Scope(None, everywhere, "Asia/Jakarta")
    found = await regions.get_region(session, region_code)
    return Scope(region_code, found.name if found else region_code, regions.timezone_of(region_code))


async def scopes_of(
    session: AsyncSession, region_codes: Sequence[str | None], everywhere: str
) -> list[Scope]:
    """scope_of() of many regions, their names read in one query."""
    found = await regions.names(session, [code for code in region_codes if code is not None])
    return [
        Scope(None, everywhere, "Asia/Jakarta")
        if code is None
        else Scope(code, found.get(code, code), regions.timezone_of(code))
        for code in region_codes
    ]


def _places(summary: Summary) -> list[str]:
    villages = [code for code, _ in summary.top_villages]
    return [*villages, *(line.code for line in summary.areas), *(code[:5] for code in villages)]


async def place_names(session: AsyncSession, summary: Summary) -> dict[str, str]:
    """Names for the villages and areas a summary lists: "Sungai Kakap, Kubu Raya" for a village."""
    return _named(summary, await regions.names(session, _places(summary)))


async def place_names_of(session: AsyncSession, summaries: Sequence[Summary]) -> list[dict[str, str]]:
    """place_names() of many summaries, in one query."""
    found = await regions.names(session, [code for summary in summaries for code in _places(summary)])
    return [_named(summary, found) for summary in summaries]


def _named(summary: Summary, found: dict[str, str]) -> dict[str, str]:
    villages = [code for code, _ in summary.top_villages]
    named = {code: found[code] for code in _places(summary) if code in found}
    for code in villages:
        regency = found.get(code[:5])
        named[code] = f"{found.get(code, code)}, {regency}" if regency else found.get(code, code)
    return named
