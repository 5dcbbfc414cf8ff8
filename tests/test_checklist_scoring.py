"""Scoring rules as data: routes decide which questions are asked, rules add points or force HIGH,
a confirmed legal route subtracts, "don't know" alone stays at MEDIUM, and malformed rules are
refused at load with a message that says what to fix."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ground.i18n import Content, default_content_dir
from handlers.checklist.scoring import (
    RulesError,
    assess,
    decode_answers,
    encode_answers,
    parse_rules,
)

CONTENT = Content.load(default_content_dir(), "id")
SHIPPED = parse_rules(CONTENT.data("checklist"))

SMALL: dict[str, Any] = {
    "levels": {"medium_from": 3, "high_from": 6},
    "questions": [
        {"id": "route", "options": ["company", "broker", "unknown"], "unknown_points": 2},
        {"id": "named", "ask_if": {"route": ["company", "broker"]}},
        {"id": "contract"},
        {"id": "passport"},
    ],
    "rules": [
        {"id": "broker", "when": {"route": "broker"}, "points": 2},
        {"id": "unnamed", "when": {"named": "no"}, "points": 2},
        {"id": "no_contract", "when": {"contract": "no"}, "points": 3, "unless": {"named": "no"}},
        {"id": "passport_held", "when": {"passport": "no"}, "forces_high": True},
        {"id": "legal", "when": {"route": "company", "named": "yes"}, "points": -2},
    ],
}
RULES = parse_rules(SMALL)


def test_the_route_decides_which_questions_are_asked() -> None:
    assert RULES.next_question({}).id == "route"  # type: ignore[union-attr]
    assert RULES.next_question({"route": "broker"}).id == "named"  # type: ignore[union-attr]
    assert RULES.next_question({"route": "unknown"}).id == "contract"  # type: ignore[union-attr]
    assert RULES.next_question({"route": "unknown", "contract": "yes", "passport": "yes"}) is None
    # Before the route is known "named" may be asked; after "don't know" it is not.
    assert RULES.expected_count({}) == 4
    assert RULES.expected_count({"route": "unknown"}) == 3
    # An answer left from a route the user went back on counts for nothing.
    assert RULES.relevant({"route": "unknown", "named": "no"}) == {"route": "unknown"}


def test_points_thresholds_and_good_signs() -> None:
    safe = {"route": "company", "named": "yes", "contract": "yes", "passport": "yes"}
    result = assess(RULES, safe)
    assert (result.risk, result.score, result.reasons, result.good_signs) == ("low", -2, (), ("legal",))
    assert assess(RULES, {**safe, "contract": "no"}).risk == "low", "3 - 2 = 1: the legal route weighs in"
    broker = {"route": "broker", "named": "yes", "contract": "no", "passport": "yes"}
    assert (assess(RULES, broker).risk, assess(RULES, broker).score) == ("medium", 5)
    result = assess(RULES, {**broker, "named": "no"})
    # "unless": no contract is not counted again when the company is unnamed.
    assert (result.risk, result.score, result.reasons) == ("medium", 4, ("broker", "unnamed"))


def test_high_starts_at_its_threshold_and_only_subtracting_rules_are_good_signs() -> None:
    """A score equal to `high_from` is HIGH, and a rule that adds points is never shown as a good
    sign (mutation testing found both open)."""
    rules = parse_rules({**SMALL, "levels": {"medium_from": 3, "high_from": 5}})
    broker = {"route": "broker", "named": "yes", "contract": "no", "passport": "yes"}
    result = assess(rules, broker)
    assert (result.risk, result.score) == ("high", 5)
    assert (result.reasons, result.good_signs) == (("no_contract", "broker"), ())
    safe = {"route": "company", "named": "yes", "contract": "yes", "passport": "yes"}
    result = assess(rules, safe)
    assert (result.risk, result.reasons, result.good_signs) == ("low", (), ("legal",))


def test_a_forcing_rule_makes_high_whatever_else_and_comes_first() -> None:
    result = assess(RULES, {"route": "company", "named": "yes", "contract": "yes", "passport": "no"})
    assert (result.risk, result.reasons) == ("high", ("passport_held",))
    result = assess(RULES, {"route": "broker", "named": "no", "contract": "yes", "passport": "no"})
    assert result.reasons[0] == "passport_held"


def test_dont_know_alone_never_goes_above_medium() -> None:
    everything_unknown = {"route": "unknown", "contract": "unknown", "passport": "unknown"}
    result = assess(RULES, everything_unknown)
    assert result.score == 4 and (result.risk, result.known_risk) == ("medium", "low")
    assert result.unknowns == ("route", "contract", "passport"), "the weightiest first"
    # Known danger still counts in full next to unknowns.
    assert assess(RULES, {**everything_unknown, "passport": "no"}).risk == "high"
    # And the shipped checklist, everything answered "Tidak tahu", asks to find out first.
    answers: dict[str, str] = {}
    while (question := SHIPPED.next_question(answers)) is not None:
        answers[question.id] = "unknown"
    result = assess(SHIPPED, answers)
    assert result.score >= SHIPPED.high_from, "enough points to be HIGH if unknowns were not capped"
    assert (result.risk, result.reasons) == ("medium", ())
    assert {"route", "work", "destination", "adult"} <= set(result.unknowns)


def test_answers_travel_in_a_result_button_and_back() -> None:
    answers = {"route": "broker", "named": "no", "contract": "unknown", "passport": "yes"}
    code = encode_answers(RULES, answers)
    assert code == "1120"
    assert decode_answers(RULES, code) == answers
    assert decode_answers(RULES, "1-2-") == {"route": "broker", "contract": "unknown"}
    for bad in ("112", "11229", "x122", "5122"):
        assert decode_answers(RULES, bad) is None, bad
    # Every shipped question fits: "cr:<version>:<one character each>" within Telegram's 64 bytes.
    assert len(f"cr:{SHIPPED.version}:{'-' * len(SHIPPED.questions)}".encode()) <= 64


def changed(path: str, value: Any) -> dict[str, Any]:
    """SMALL with one value replaced: "questions.1.ask_if" style paths."""
    data = copy.deepcopy(SMALL)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is KeyError:
        del node[int(last) if last.isdigit() else last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return data


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (changed("questions", []), r"\[\[questions\]\] is empty"),
        (changed("levels", KeyError), r"\[levels\] is missing"),
        (changed("levels.medium_from", 7), r"0 < medium_from < high_from"),
        (changed("levels.high_from", "8"), r"high_from must be a whole number"),
        (changed("rules.1.when", {"nmaed": "no"}), r"rule 'unnamed'.*names question 'nmaed'"),
        (changed("rules.1.unless", {"ghost": "no"}), r"rule 'unnamed'.*names question 'ghost'"),
        (changed("questions.1.ask_if", {"contract": "no"}), r"question 'named'.*names question 'contract'"),
        (changed("rules.0.when", {"route": "brokr"}), r"'brokr' is not an answer to 'route'"),
        (changed("rules.1.when", {"named": "unknown"}), r"'unknown' is not allowed; use unknown_points"),
        (changed("rules.0.points", 0), r"rule 'broker' does nothing"),
        (changed("rules.0.when", {}), r"'when' must name at least one question"),
        (changed("rules.2.id", "broker"), r"rule 'broker' appears twice"),
        (changed("questions.2.id", "route"), r"question 'route' appears twice"),
        (changed("questions.0.options", ["company", "broker"]), r"must include 'unknown'"),
        (changed("questions.0.options", ["a b", "unknown"]), r"option 'a b' must be a short identifier"),
        (changed("questions.0.options", [f"o{n}" for n in range(10)] + ["unknown"]), r"at most 10 options"),
        (changed("questions.2.unknown_points", -1), r"unknown_points must be a whole number >= 0"),
        (changed("questions.2.age_at_least", "18"), r"age_at_least must be a whole number"),
        (changed("questions.3.id", "x" * 30), r"must be a short identifier"),
    ],
)
def test_malformed_rules_are_refused_with_a_clear_message(broken: dict[str, Any], message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse_rules(broken)


def test_the_small_rules_are_valid_as_written() -> None:
    """The broken variants above differ from this by one value only."""
    assert [q.id for q in parse_rules(SMALL).questions] == ["route", "named", "contract", "passport"]


@pytest.mark.parametrize(
    ("rule", "answers"),
    [
        ("minor", {"adult": "no"}),
        ("altered_age", {"route": "sponsor", "adult": "yes", "true_age": "no"}),
        ("passport_taken", {"passport_kept": "no"}),
        ("debt_bondage", {"route": "p3mi", "debt_free": "no", "wages_direct": "no"}),
        ("entertainment_abroad", {"work": "entertainment", "destination": "malaysia"}),
        ("marriage_abroad", {"work": "marriage", "destination": "other_abroad"}),
        ("domestic_moratorium", {"work": "domestic", "destination": "middle_east"}),
        ("no_work_visa", {"work": "factory", "destination": "mekong", "work_visa": "no"}),
        ("scam_compound_job", {"work": "online_office", "destination": "scam_hubs"}),
    ],
)
def test_the_shipped_rules_force_high_where_the_issue_says(rule: str, answers: dict[str, str]) -> None:
    """Forcing rules of issue 22, each on an otherwise safe, fully answered checklist."""
    safe = safe_answers({"route": "p3mi", "work": "factory", "destination": "east_asia", **answers})
    result = assess(SHIPPED, safe)
    assert result.risk == "high" and result.reasons[0] == rule, result


def safe_answers(fixed: dict[str, str]) -> dict[str, str]:
    answers: dict[str, str] = {}
    while (question := SHIPPED.next_question(answers)) is not None:
        answers[question.id] = fixed.get(question.id, "yes")
    return answers


def test_the_shipped_legal_routes_subtract_and_unknown_points_are_named() -> None:
    government = assess(
        SHIPPED, safe_answers({"route": "government", "work": "factory", "destination": "east_asia"})
    )
    assert government.good_signs == ("government_programme",) and government.score < 0
    assert all(q.unknown_points >= 0 for q in SHIPPED.questions)
    assert any(rule.points < 0 for rule in SHIPPED.rules)
