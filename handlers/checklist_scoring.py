"""Scores checklist answers into a risk level, following the rules in content/checklist.toml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Answer = Literal["yes", "no", "unknown"]
ANSWERS: tuple[Answer, ...] = ("yes", "no", "unknown")
RISK_LEVELS = ("low", "medium", "high")


class RulesError(ValueError):
    """content/checklist.toml does not describe a usable checklist."""


@dataclass(frozen=True)
class Question:
    id: str
    weights: Mapping[Answer, int]
    forces_high: frozenset[Answer]


@dataclass(frozen=True)
class ChecklistRules:
    questions: tuple[Question, ...]
    medium_from: int
    high_from: int

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def index_of(self, question_id: str) -> int:
        return next(i for i, q in enumerate(self.questions) if q.id == question_id)


@dataclass(frozen=True)
class RaisedFlag:
    question_id: str
    answer: Answer
    points: int


@dataclass(frozen=True)
class Assessment:
    risk: str
    score: int
    # Answers that raised the risk, strongest first: these are the reasons shown to the user.
    raised: tuple[RaisedFlag, ...]


def assess(rules: ChecklistRules, answers: Mapping[str, Answer]) -> Assessment:
    """Risk from the answers given; unanswered questions count as nothing."""
    raised: list[RaisedFlag] = []
    forced_high = False
    for question in rules.questions:
        answer = answers.get(question.id)
        if answer is None:
            continue
        points = question.weights[answer]
        if points > 0 or answer in question.forces_high:
            raised.append(RaisedFlag(question.id, answer, points))
        forced_high = forced_high or answer in question.forces_high
    score = sum(flag.points for flag in raised)
    if forced_high or score >= rules.high_from:
        risk = "high"
    elif score >= rules.medium_from:
        risk = "medium"
    else:
        risk = "low"
    raised.sort(key=lambda flag: -flag.points)
    return Assessment(risk=risk, score=score, raised=tuple(raised))


def parse_rules(data: Mapping[str, Any]) -> ChecklistRules:
    """Validate content/checklist.toml so a typo by an editor fails at start-up, not mid-conversation."""
    try:
        levels = data["levels"]
        medium_from, high_from = int(levels["medium_from"]), int(levels["high_from"])
        raw_questions = data["questions"]
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesError(
            f"checklist.toml needs [levels] medium_from/high_from and [[questions]]: {exc}"
        ) from exc
    if not 0 < medium_from < high_from:
        raise RulesError("checklist.toml: need 0 < medium_from < high_from")
    questions: list[Question] = []
    for raw in raw_questions:
        question_id = raw.get("id")
        if not isinstance(question_id, str) or not question_id.isidentifier():
            raise RulesError(f"checklist.toml: question id {question_id!r} must be a short identifier")
        weights = raw.get("weights", {})
        if set(weights) != set(ANSWERS) or not all(isinstance(w, int) and w >= 0 for w in weights.values()):
            raise RulesError(
                f"checklist.toml: {question_id}: weights need yes, no, unknown as whole numbers >= 0"
            )
        forces = frozenset(raw.get("forces_high", []))
        if not forces <= set(ANSWERS):
            raise RulesError(f"checklist.toml: {question_id}: forces_high may only name yes, no, unknown")
        questions.append(Question(question_id, dict(weights), forces))
    if len({q.id for q in questions}) != len(questions) or not questions:
        raise RulesError("checklist.toml: question ids must be unique, and there must be at least one")
    return ChecklistRules(tuple(questions), medium_from, high_from)
