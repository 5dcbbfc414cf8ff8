"""The report form: shipped definition is complete, answers are validated and normalised politely."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from ground.i18n import Content, default_content_dir
from handlers.reports.form import Field, FormError, Invalid, parse_form, validate

CONTENT = Content.load(default_content_dir(), "id")
FORM = parse_form(CONTENT.data("report_form"))
TODAY = date(2026, 11, 23)


def field(kind: str, **extra: Any) -> Field:
    return Field(id="x", type=kind, required=True, kinds=("missing",), **extra)


def test_shipped_form_asks_what_the_task_force_needs() -> None:
    ids = [f.id for f in FORM.fields]
    for needed in (
        "person_name",
        "age",
        "sex",
        "home_village",
        "destination",
        "departure_date",
        "last_contact",
        "promised",
        "recruiter_name",
        "recruiter_phone",
        "social_media",
        "photo",
        "reporter_relation",
        "contact_allowed",
    ):
        assert needed in ids
    assert "last_contact" not in [f.id for f in FORM.for_kind("warning")], "only for missing persons"
    for language in CONTENT.languages:
        t = CONTENT.texts(language)
        for f in FORM.fields:
            assert t.has(f"report.prompt.{f.id}") and t.has(f"report.label.{f.id}"), (language, f.id)
            for choice in f.choices:
                assert t.has(f"report.choice.{f.id}.{choice}"), (language, f.id, choice)


@pytest.mark.parametrize(
    "kind, extra, typed, stored",
    [
        ("text", {"max_length": 20}, "  Siti   Aminah ", "Siti Aminah"),
        ("number", {"low": 0, "high": 100}, "19", "19"),
        ("date", {}, "01-10-2026", "2026-10-01"),
        ("date", {}, "1/10/2026", "2026-10-01"),
        ("date", {}, "2026-10-01", "2026-10-01"),
        ("date", {}, "01-01-2027", "2027-01-01"),  # departure may lie ahead
        ("phone", {}, "+855 12 345 678", "+85512345678"),
        ("phone", {}, "0812-3456-7890", "081234567890"),
    ],
)
def test_valid_answers_are_normalised(kind: str, extra: dict[str, Any], typed: str, stored: str) -> None:
    assert validate(field(kind, **extra), typed, TODAY) == stored


@pytest.mark.parametrize(
    "kind, extra, typed, message",
    [
        ("text", {"max_length": 5}, "Siti Aminah", "report.too_long"),
        ("text", {}, "   ", "report.required"),
        ("number", {"low": 0, "high": 100}, "umur 19 atau 20", "report.not_a_number"),
        ("number", {"low": 0, "high": 100}, "150", "report.not_a_number"),
        ("date", {}, "31-31-2026", "report.not_a_date"),
        ("date", {}, "kemarin", "report.not_a_date"),
        ("date", {"past_only": True}, "01-01-2027", "report.future_date"),
        ("phone", {}, "halo", "report.not_a_phone"),
        ("phone", {}, "12345", "report.not_a_phone"),
        ("choice", {"choices": ("a",)}, "a", "report.use_buttons"),
    ],
)
def test_bad_answers_get_a_polite_message(kind: str, extra: dict[str, Any], typed: str, message: str) -> None:
    with pytest.raises(Invalid, match=f"^{re.escape(message)}$") as raised:
        validate(field(kind, **extra), typed, TODAY)
    assert raised.value.key == message
    assert CONTENT.texts("id").has(message) and CONTENT.texts("en").has(message)


@pytest.mark.parametrize(
    ("broken", "explained"),
    [
        ({}, r"needs \[\[fields\]\]"),
        ({"fields": [{"id": "home_village", "type": "teleport"}]}, "needs an id and a type"),
        ({"fields": [{"id": "a", "type": "text"}]}, "home_village must be asked"),
        (
            {"fields": [{"id": "home_village", "type": "village"}, {"id": "c", "type": "choice"}]},
            "c: a choice needs choices",
        ),
        ({"fields": [{"id": "home_village", "type": "village", "kinds": ["rumour"]}]}, "kinds may be"),
    ],
)
def test_malformed_forms_are_refused_at_start(broken: dict[str, Any], explained: str) -> None:
    with pytest.raises(FormError, match=explained):
        parse_form(broken)
