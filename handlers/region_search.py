"""Finds a village by the name a user types, coping with typos and old spellings (rapidfuzz)."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Button
from db.regions import ZONE_ABBREVIATIONS, RegionRow, active_regions

# Spellings from before the 1972 reform still used in names and by older people (Tjilatjap).
OLD_SPELLINGS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"), ("ch", "kh"))
ADMIN_WORDS = re.compile(
    r"\b(desa|kelurahan|kel|ds|kampung|kecamatan|kec|kabupaten|kab|kota|provinsi|prov)\b\.?"
)
NOT_A_LETTER = re.compile(r"[^a-z0-9 ]+")
MIN_SCORE = 75  # whole typed name against whole names
WORD_MIN_SCORE = 80  # one typed word against one word of a name
WHERE_MIN_SCORE = 80  # the part after a comma against district and regency names
CANDIDATES = 200


def normalize(name: str) -> str:
    text = NOT_A_LETTER.sub(" ", name.lower())
    for old, new in OLD_SPELLINGS:
        text = text.replace(old, new)
    text = ADMIN_WORDS.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Place:
    """A village with the names that tell it apart from the many others called the same."""

    code: str
    name: str
    district: str
    regency: str
    province: str
    timezone: str

    @property
    def regency_code(self) -> str:
        return self.code[:5]

    @property
    def label(self) -> str:
        return f"{self.name}, Kec. {self.district}, {self.regency}"

    @property
    def zone(self) -> str:
        return ZONE_ABBREVIATIONS.get(self.timezone, self.timezone)


def village_rows(places: Iterable[Place], prefix: str) -> tuple[tuple[Button, ...], ...]:
    """One button per found village, its label telling same-named villages apart."""
    return tuple((Button(place.label[:60], f"{prefix}{place.code}"),) for place in places)


class RegionIndex:
    """All active villages in memory, built once at start-up from the regions table.

    Two cheap passes instead of one expensive scorer (WRatio took ~45 ms over 84k names):
    the whole typed name against whole names (typos: "sungai kakab"), and each typed word against
    the words of names (part of a name: "kakap" -> Sungai Kakap, Lubuk Kakap).
    """

    def __init__(self, rows: Iterable[RegionRow]) -> None:
        rows = list(rows)
        names = {row.code: row.name for row in rows}
        self._places = [
            Place(
                code=row.code,
                name=row.name,
                district=names.get(row.code[:8], ""),
                regency=names.get(row.code[:5], ""),
                province=names.get(row.code[:2], ""),
                timezone=row.timezone,
            )
            for row in rows
            if row.level == 4
        ]
        self._keys = [normalize(place.name) for place in self._places]
        self._by_code = {place.code: place for place in self._places}
        postings: dict[str, set[int]] = defaultdict(set)
        for position, key in enumerate(self._keys):
            for word in key.split():
                postings[word].add(position)
        self._postings = dict(postings)
        self._words = list(self._postings)

    def __len__(self) -> int:
        return len(self._places)

    def get(self, code: str) -> Place | None:
        return self._by_code.get(code)

    def search(self, query: str, limit: int = 5) -> list[Place]:
        """Best matches first; "Kakap, Kubu Raya" ranks places in that district or regency first."""
        name, _, where = query.partition(",")
        key = normalize(name)
        if not key:
            return []
        scores = self._whole_name_scores(key)
        for position, score in self._word_scores(key).items():
            scores[position] = max(scores.get(position, 0.0), score)
        where_key = normalize(where)

        def rank(position: int) -> tuple[bool, bool, float, str]:
            place = self._places[position]
            in_place = not where_key or (
                max(
                    fuzz.partial_ratio(where_key, normalize(place.district)),
                    fuzz.partial_ratio(where_key, normalize(place.regency)),
                )
                >= WHERE_MIN_SCORE
            )
            return (in_place, self._keys[position] == key, scores[position], place.code)

        best = sorted(scores, key=rank, reverse=True)[:limit]
        return [self._places[position] for position in best]

    def _whole_name_scores(self, key: str) -> dict[int, float]:
        matches = process.extract(
            key, self._keys, scorer=fuzz.QRatio, limit=CANDIDATES, score_cutoff=MIN_SCORE
        )
        return {position: score for _, score, position in matches}

    def _word_scores(self, key: str) -> dict[int, float]:
        """Names that contain every typed word (each allowing a typo), scored a little below exact."""
        combined: dict[int, float] | None = None
        for word in key.split():
            found: dict[int, float] = {}
            for _, score, index in process.extract(
                word, self._words, scorer=fuzz.QRatio, limit=20, score_cutoff=WORD_MIN_SCORE
            ):
                for position in self._postings[self._words[index]]:
                    found[position] = max(found.get(position, 0.0), score)
            if combined is None:
                combined = found
            else:
                combined = {p: min(s, found[p]) for p, s in combined.items() if p in found}
        # A partial name is less certain than a whole one: keep it under an exact whole match.
        return {position: score * 0.9 for position, score in (combined or {}).items()}


class RegionDirectory:
    """The village index, loaded from the database on first use: most messages never need it."""

    def __init__(self) -> None:
        self._index: RegionIndex | None = None
        self._lock = asyncio.Lock()

    async def index(self, session: AsyncSession) -> RegionIndex:
        if self._index is None:
            async with self._lock:
                if self._index is None:
                    self._index = RegionIndex(await active_regions(session))
        return self._index
