"""Dates, ages and phone numbers as people type them in a sentence: "bulan agustus kemarin",
"sekitar 24 tahun", "wa nya 0812 3456 7890".

The words (month names, "kemarin", "sekitar") live in content/<lang>/answers.toml [dates]; this
module only reads them. A date is kept as precisely as it was said:

    "2026-10-01"    a day                  ("01-10-2026", "1 oktober 2026", "kemarin")
    "~2026-11-16"   about that day         ("minggu lalu")
    "2026-08"       a month                ("agustus 2026", "bulan agustus")
    "~2026-05"      about that month       ("sekitar bulan Mei")
    "2026"          a year                 ("2026")
and shown with that precision (spoken_date_text) to the coordinator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ground.i18n import Content
from ground.messages import whole_number
from handlers import typed_answers

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# Relative words and how many days back they point; "approximate" ones are kept as "about".
RELATIVE = {"today": (0, False), "yesterday": (1, False), "day_before_yesterday": (2, False),
            "last_week": (7, True)}  # fmt: skip
_NUMERIC_DATE = re.compile(
    r"\b(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{4})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b"
)
_PHONE = re.compile(r"\+?\d[\d\s().-]*\d")
EARLIEST_YEAR = 1950


class NotUnderstood(ValueError):
    """No date (or age, or phone number) could be read; future: it lies in the future."""

    def __init__(self, future: bool = False) -> None:
        super().__init__("future" if future else "unreadable")
        self.future = future


@dataclass(frozen=True)
class DateWords:
    """Phrases per meaning, every language together (people mix them)."""

    months: tuple[tuple[tuple[str, ...], int], ...]
    relative: tuple[tuple[tuple[str, ...], str], ...]
    last_month: tuple[tuple[str, ...], ...]
    last_year: tuple[tuple[str, ...], ...]
    about: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, content: Content) -> DateWords:
        def words(key: str) -> tuple[tuple[str, ...], ...]:
            return tuple(
                typed_answers.normalise(p) for p in typed_answers.phrases(content, f"answers.dates.{key}")
            )

        return cls(
            months=tuple((w, number) for number, name in enumerate(MONTHS, 1) for w in words(name)),
            relative=tuple((w, name) for name in RELATIVE for w in words(name)),
            last_month=words("last_month"),
            last_year=words("last_year"),
            about=words("about"),
        )


def _has(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    return any(words[i : i + len(phrase)] == phrase for i in range(len(words) - len(phrase) + 1))


def read_date(text: str, words: DateWords, today: date, past_only: bool) -> str:
    """The date as stored (see the module's docstring), or NotUnderstood."""
    value = _read(text, words, today)
    day_part = value.lstrip("~")
    earliest = day_part + "-01" * (2 - day_part.count("-"))  # a month or year: its first day
    if past_only and date.fromisoformat(earliest) > today:
        raise NotUnderstood(future=True)
    return value


def _read(text: str, words: DateWords, today: date) -> str:
    numeric = _NUMERIC_DATE.search(text)
    if numeric:
        day, month, year = numeric.group(1, 2, 3) if numeric.group(1) else numeric.group(6, 5, 4)
        return _checked(int(year), int(month), int(day))
    said = typed_answers.normalise(text.replace("-", " ").replace("/", " "))
    about = "~" if any(_has(said, phrase) for phrase in words.about) else ""
    if any(_has(said, phrase) for phrase in words.last_month):
        first = today.replace(day=1) - timedelta(days=1)
        return f"{about}{first.year:04d}-{first.month:02d}"
    if any(_has(said, phrase) for phrase in words.last_year):
        return f"~{today.year - 1:04d}"
    numbers = [n for n in (whole_number(w) for w in said) if n is not None]
    years = [n for n in numbers if EARLIEST_YEAR <= n <= today.year + 5]
    month = next((number for phrase, number in words.months if _has(said, phrase)), None)
    if month is not None:
        day_numbers = [n for n in numbers if 1 <= n <= 31]
        year = years[0] if years else (today.year if month <= today.month else today.year - 1)
        if len(day_numbers) == 1:
            return about + _checked(year, month, day_numbers[0])
        return f"{about}{year:04d}-{month:02d}"
    # After month names: "bulan agustus kemarin" is last August, "kemarin" alone yesterday.
    for phrase, name in sorted(words.relative, key=lambda item: -len(item[0])):
        if _has(said, phrase):
            days, approximate = RELATIVE[name]
            return ("~" if approximate or about else "") + (today - timedelta(days=days)).isoformat()
    if len(years) == 1 and len(numbers) == 1:
        return f"{about}{years[0]:04d}"
    raise NotUnderstood


def _checked(year: int, month: int, day: int) -> str:
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise NotUnderstood from None
    if parsed.year < EARLIEST_YEAR:
        raise NotUnderstood
    return parsed.isoformat()


def spoken_date_text(value: str, t: Callable[..., str]) -> str:
    """A stored date as a coordinator reads it, with the precision it was given."""
    about = value.startswith("~")
    parts = value.lstrip("~").split("-")
    if len(parts) == 3:
        shown = f"{parts[2]}-{parts[1]}-{parts[0]}"  # as Indonesians write dates
    elif len(parts) == 2:
        shown = t(
            "spoken_dates.month", month=t(f"spoken_dates.months.{MONTHS[int(parts[1]) - 1]}"), year=parts[0]
        )
    else:
        shown = t("spoken_dates.year", year=parts[0])
    return t("spoken_dates.about", date=shown) if about else shown


def read_age(text: str, low: int, high: int) -> int | None:
    """ "sekitar 24 tahun", "umurnya 19": the only whole number in the text, if in range."""
    numbers = [n for n in (whole_number(w) for w in typed_answers.normalise(text)) if n is not None]
    return numbers[0] if len(numbers) == 1 and low <= numbers[0] <= high else None


def read_phone(text: str) -> str | None:
    """The one phone number in a sentence ("wa nya 0812 3456 7890"), digits only (a leading +
    kept), or None when there is none or more than one."""
    found = []
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 8 <= len(digits) <= 15:
            found.append(("+" if match.group().startswith("+") else "") + digits)
    return found[0] if len(found) == 1 else None
