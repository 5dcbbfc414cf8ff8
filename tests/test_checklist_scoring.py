"""Scoring rules: thresholds, answers that force HIGH, and refusal of malformed rules."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import Content, default_content_dir
from handlers.checklist_scoring import RulesError, assess, parse_rules

RULES = parse_rules(
    {
        "levels": {"medium_from": 3, "high_from": 6},
        "questions": [
            {"id": "a", "weights": {"yes": 2, "no": 0, "unknown": 1}},
            {"id": "b", "weights": {"yes": 0, "no": 3, "unknown": 1}},
            {"id": "c", "weights": {"yes": 1, "no": 0, "unknown": 0}, "forces_high": ["yes"]},
        ],
    }
)


def test_no_flags_is_low() -> None:
    result = assess(RULES, {"a": "no", "b": "yes", "c": "no"})
    assert (result.risk, result.score, result.raised) == ("low", 0, ())


def test_thresholds() -> None:
    assert assess(RULES, {"a": "yes", "b": "unknown"}).risk == "medium"  # 3
    assert assess(RULES, {"a": "yes", "b": "no", "c": "no"}).risk == "medium"  # 5
    assert assess(RULES, {"a": "yes", "b": "no", "c": "no", "x": "yes"}).score == 5  # unknown ids ignored
    result = assess(RULES, {"a": "yes", "b": "no", "c": "yes"})
    assert (result.risk, result.score) == ("high", 6)


def test_forced_high_and_reasons_strongest_first() -> None:
    result = assess(RULES, {"a": "yes", "b": "yes", "c": "yes"})
    assert result.risk == "high" and result.score == 3
    assert [flag.question_id for flag in result.raised] == ["a", "c"]
    assert assess(RULES, {"b": "no", "a": "unknown"}).raised[0].question_id == "b"


@pytest.mark.parametrize(
    "broken",
    [
        {"questions": []},
        {
            "levels": {"medium_from": 5, "high_from": 3},
            "questions": [{"id": "a", "weights": {"yes": 1, "no": 0, "unknown": 0}}],
        },
        {
            "levels": {"medium_from": 1, "high_from": 3},
            "questions": [{"id": "a", "weights": {"yes": 1, "no": 0}}],
        },
        {
            "levels": {"medium_from": 1, "high_from": 3},
            "questions": [{"id": "a", "weights": {"yes": -1, "no": 0, "unknown": 0}}],
        },
        {
            "levels": {"medium_from": 1, "high_from": 3},
            "questions": [{"id": "a b", "weights": {"yes": 1, "no": 0, "unknown": 0}}],
        },
        {
            "levels": {"medium_from": 1, "high_from": 3},
            "questions": [
                {"id": "a", "weights": {"yes": 1, "no": 0, "unknown": 0}, "forces_high": ["maybe"]}
            ],
        },
        {
            "levels": {"medium_from": 1, "high_from": 3},
            "questions": [{"id": "a", "weights": {"yes": 1, "no": 0, "unknown": 0}}] * 2,
        },
    ],
)
def test_malformed_rules_are_refused(broken: dict[str, Any]) -> None:
    with pytest.raises(RulesError):
        parse_rules(broken)


def test_shipped_checklist_matches_the_brief() -> None:
    rules = parse_rules(Content.load(default_content_dir(), "id").data("checklist"))
    assert 10 <= len(rules.questions) <= 14
    everything_safe = {
        q.id: min(q.weights, key=lambda answer: q.weights[answer])
        for q in rules.questions  # type: ignore[arg-type]
    }
    assert assess(rules, everything_safe).risk == "low"
    assert assess(rules, {q.id: "unknown" for q in rules.questions}).risk != "low"
    # Each of these alone means danger, whatever else is answered.
    for question_id in ("documents_held", "visa_tourist", "unofficial_route", "secrecy", "risky_destination"):
        assert assess(rules, {**everything_safe, question_id: "yes"}).risk == "high", question_id
