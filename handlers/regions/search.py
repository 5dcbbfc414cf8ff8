"""Finds a village by the name a user types, coping with typos and old spellings (rapidfuzz).

A search's cost is bounded whatever is typed: at most MAX_QUERY_CHARS characters (longer text is
not a village name: the caller says so politely), at most MAX_WORDS distinct words, and the
district/regency after a comma compared once per distinct name."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.regions import ZONE_ABBREVIATIONS, RegionRow, active_regions
from ground.i18n import Texts
from ground.messages import Button
from handlers.buttons import Choice
from handlers.choice_labels import numbered_choices

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
# The longest village name has 44 characters and 6 words; with ", kecamatan, kabupaten" after it
# a real query stays well under these.
MAX_QUERY_CHARS = 100
MAX_WORDS = 8


class QueryTooLong(ValueError):
    """More text than a village name and its district could be: not searched."""


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


def village_choices(
    t: Texts, places: Iterable[Place], button: Choice
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The found villages listed in full and numbered (district and regency tell same-named ones
    apart), and one button each that fits every platform uncut ("1. Sungai Kakap" or "Pilihan 1")."""
    return numbered_choices(t, [(p.name, p.label, button.pack(p.code)) for p in places])


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
        """Best matches first; "Kakap, Kubu Raya" ranks places in that district or regency first.
        Raises QueryTooLong for more than MAX_QUERY_CHARS characters."""
        if len(query) > MAX_QUERY_CHARS:
            raise QueryTooLong(f"{len(query)} characters, at most {MAX_QUERY_CHARS}")
        name, _, where = query.partition(",")
        key = normalize(name)
        if not key:
            return []
        scores = self._whole_name_scores(key)
        for position, score in self._word_scores(key).items():
            scores[position] = max(scores.get(position, 0.0), score)
        where_key = normalize(where)
        # Thousands of candidates share a few hundred district and regency names: each is
        # compared with the typed place once.
        near: dict[str, bool] = {}

        def is_near(place_name: str) -> bool:
            if place_name not in near:
                near[place_name] = fuzz.partial_ratio(where_key, normalize(place_name)) >= WHERE_MIN_SCORE
            return near[place_name]

        def rank(position: int) -> tuple[bool, bool, float, str]:
            place = self._places[position]
            in_place = not where_key or is_near(place.district) or is_near(place.regency)
            return (in_place, self._keys[position] == key, scores[position], place.code)

        best = sorted(scores, key=rank, reverse=True)[:limit]
        return [self._places[position] for position in best]

    def _whole_name_scores(self, key: str) -> dict[int, float]:
        matches = process.extract(
            key, self._keys, scorer=fuzz.QRatio, limit=CANDIDATES, score_cutoff=MIN_SCORE
        )
        return {position: score for _, score, position in matches}

    def _word_scores(self, key: str) -> dict[int, float]:
        """Names that contain every typed word (each allowing a typo), scored a little below exact.

        The rarest word's names are the candidates; each further word only checks those, so a
        common word typed many times ("jaya jaya ...") costs no more than once."""
        matches: list[list[tuple[float, set[int]]]] = []
        for word in list(dict.fromkeys(key.split()))[:MAX_WORDS]:
            found = process.extract(
                word, self._words, scorer=fuzz.QRatio, limit=20, score_cutoff=WORD_MIN_SCORE
            )
            if not found:
                return {}
            matches.append([(score, self._postings[self._words[index]]) for _, score, index in found])
        if not matches:
            return {}
        matches.sort(key=lambda similar: sum(len(positions) for _, positions in similar))
        combined: dict[int, float] = {}
        for score, positions in matches[0]:
            for position in positions:
                combined[position] = max(combined.get(position, 0.0), score)
        for similar in matches[1:]:
            narrowed: dict[int, float] = {}
            for position, so_far in combined.items():
                scores = [score for score, positions in similar if position in positions]
                if scores:
                    narrowed[position] = min(so_far, max(scores))
            combined = narrowed
        # A partial name is less certain than a whole one: keep it under an exact whole match.
        return {position: score * 0.9 for position, score in combined.items()}


class RegionDirectory:
    """The village index: built in the background when the service starts (`warm`), so the first
    user who types a village does not wait for it; built on first use where nothing warmed it."""

    def __init__(self) -> None:
        self._index: RegionIndex | None = None
        self._lock = asyncio.Lock()

    @property
    def ready(self) -> bool:
        return self._index is not None

    async def warm(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Builds the index now. Its own short session: the database connection (SQLite's only
        one) is given back before the second or so of building in a thread."""
        async with self._lock:
            if self._index is None:
                async with sessions() as session:
                    rows = await active_regions(session)
                self._index = await asyncio.to_thread(RegionIndex, rows)

    async def index(self, session: AsyncSession) -> RegionIndex:
        if self._index is None:
            # A search while the start-up build runs waits for it here instead of building twice.
            async with self._lock:
                if self._index is None:
                    rows = await active_regions(session)
                    # Seconds of work for 84k villages: in a thread, so other chats go on.
                    self._index = await asyncio.to_thread(RegionIndex, rows)
        return self._index
