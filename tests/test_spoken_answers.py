"""Free answers as people type them: dates with month names or "kemarin", ages with words
around them, phone numbers inside a sentence (issue 18)."""

from __future__ import annotations

from datetime import date

import pytest

from ground.i18n import Content, default_content_dir
from handlers.reports.form import Field, Invalid, validate
from handlers.spoken_dates import DateWords, spoken_date_text

CONTENT = Content.load(default_content_dir(), "id")
WORDS = DateWords.of(CONTENT)
TODAY = date(2026, 11, 30)


def field(kind: str, **extra: object) -> Field:
    return Field(id="x", type=kind, required=False, kinds=("missing",), **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("01-10-2026", "2026-10-01"),
        ("tanggal 1/10/2026", "2026-10-01"),
        ("kemarin", "2026-11-29"),
        ("kmrn sore", "2026-11-29"),
        ("minggu lalu", "~2026-11-23"),
        ("bulan agustus kemarin", "2026-08"),
        ("agustus 2026", "2026-08"),
        ("sekitar bulan Mei", "~2026-05"),
        ("17 agustus 2025", "2025-08-17"),
        ("2024", "2024"),
        ("sekitar tahun 2023", "~2023"),
        ("bulan lalu", "2026-10"),
        ("last week", "~2026-11-23"),
        ("around May 2025", "~2025-05"),
        ("desember", "2025-12"),  # a month still to come this year means the last one
    ],
)
def test_dates_as_people_say_them(typed: str, stored: str) -> None:
    assert validate(field("date", past_only=True), typed, TODAY, WORDS) == stored


@pytest.mark.parametrize("typed", ["entahlah", "31-31-2026", "besok lusa 3 4"])
def test_what_is_no_date_is_refused(typed: str) -> None:
    with pytest.raises(Invalid) as raised:
        validate(field("date"), typed, TODAY, WORDS)
    assert raised.value.key == "report.not_a_date"


def test_a_future_month_is_refused_where_only_the_past_is_asked() -> None:
    with pytest.raises(Invalid) as raised:
        validate(field("date", past_only=True), "januari 2027", TODAY, WORDS)
    assert raised.value.key == "report.future_date"


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("2026-10-01", "01-10-2026"),
        ("2026-08", "Agustus 2026"),
        ("~2026-05", "sekitar Mei 2026 (perkiraan)"),
        ("2024", "tahun 2024"),
        ("~2026-11-23", "sekitar 23-11-2026 (perkiraan)"),
    ],
)
def test_the_coordinator_sees_the_precision(stored: str, shown: str) -> None:
    assert spoken_date_text(stored, CONTENT.texts("id")) == shown


@pytest.mark.parametrize(
    "typed, age", [("24", "24"), ("sekitar 24 tahun", "24"), ("umurnya 19 thn", "19"), ("kira2 30", "30")]
)
def test_ages_with_words_around_them(typed: str, age: str) -> None:
    assert validate(field("number", low=0, high=100), typed, TODAY, WORDS) == age


@pytest.mark.parametrize(
    "typed, phone",
    [
        ("wa nya 0812 3456 7890", "081234567890"),
        ("Nomornya +62 812-0000-1111 yang aktif", "+6281200001111"),
        ("0812.3456.7890", "081234567890"),
    ],
)
def test_phone_numbers_inside_sentences(typed: str, phone: str) -> None:
    assert validate(field("phone"), typed, TODAY, WORDS) == phone


def test_two_phone_numbers_are_not_guessed_between() -> None:
    with pytest.raises(Invalid):
        validate(field("phone"), "0812 3456 7890 atau 0813 1111 2222", TODAY, WORDS)
