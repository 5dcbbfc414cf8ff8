"""Finds a province, regency/city or district by name, for operators who need its code (a
coordinator's region, a broadcast's audience). Villages are found by handlers/regions/search.py,
as users find them; the few thousand higher regions need no index."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from db.regions import ZONE_ABBREVIATIONS, RegionRow
from handlers.regions.search import MAX_QUERY_CHARS, QueryTooLong, normalize

LEVELS = {"province": 1, "regency": 2, "district": 3, "village": 4}
MIN_SCORE = 80
WHERE_MIN_SCORE = 80


@dataclass(frozen=True)
class FoundRegion:
    code: str
    name: str
    level: int
    within: str  # the names of the regions it lies in, nearest first
    timezone: str

    @property
    def level_name(self) -> str:
        return next(name for name, number in LEVELS.items() if number == self.level)

    @property
    def line(self) -> str:
        zone = ZONE_ABBREVIATIONS.get(self.timezone, self.timezone)
        where = f", {self.within}" if self.within else ""
        return f"{self.code:<14} {self.level_name:<9} {self.name}{where} ({zone})"


def find_regions(rows: Iterable[RegionRow], query: str, level: int, limit: int = 10) -> list[FoundRegion]:
    """Regions of one level (1-3) by name, best first; "sungai kakap, kubu raya" ranks those inside
    a region of that name first. Raises QueryTooLong for more than MAX_QUERY_CHARS characters."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"{len(query)} characters, at most {MAX_QUERY_CHARS}")
    rows = list(rows)
    names = {row.code: row.name for row in rows}
    candidates = [row for row in rows if row.level == level]
    name, _, where = query.partition(",")
    key, where_key = normalize(name), normalize(where)
    if not key:
        return []
    keys = [normalize(row.name) for row in candidates]

    def within(row: RegionRow) -> str:
        parents = [row.code[:length] for length in (8, 5, 2) if length < len(row.code)]
        return ", ".join(names[code] for code in parents if code in names)

    def rank(match: tuple[str, float, int]) -> tuple[bool, bool, float, str]:
        _, score, position = match
        row = candidates[position]
        inside = not where_key or fuzz.partial_ratio(where_key, normalize(within(row))) >= WHERE_MIN_SCORE
        return (inside, keys[position] == key, score, row.code)

    matches = process.extract(key, keys, scorer=fuzz.WRatio, limit=None, score_cutoff=MIN_SCORE)
    best = sorted(matches, key=rank, reverse=True)[:limit]
    return [
        FoundRegion(row.code, row.name, row.level, within(row), row.timezone)
        for row in (candidates[position] for _, _, position in best)
    ]
