"""The checklist's rules as data (content/checklist.toml): which questions a route asks, how answers
score, and the risk level they add up to. Pure: no texts, no database."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

YES_NO: tuple[str, ...] = ("yes", "no", "unknown")
UNKNOWN = "unknown"
RISK_LEVELS = ("low", "medium", "high")
# "ck:a:<question>:<answer>" must fit Telegram's 64 bytes of button data.
MAX_ID_CHARS = 24
# A result button carries one character per question ("cr:<version>:<answers>"), and a choice is
# one digit: WhatsApp lists hold 10 rows anyway.
MAX_QUESTIONS, MAX_OPTIONS = 40, 10
# Answer sets whose asked() is kept (ChecklistRules.asked): more than a few hundred people in the
# middle of the checklist at once start it afresh, which only costs the working out again.
ASKED_KEPT = 4096


class RulesError(ValueError):
    """content/checklist.toml does not describe a usable checklist; the message says what to fix."""


Conditions = Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class Question:
    id: str
    # ("yes", "no", "unknown") for a yes/no question; a choice question's own option ids, one of
    # them "unknown" (everyone may say "I don't know").
    options: tuple[str, ...]
    # Asked when any of these holds (each: every named question has one of the named answers);
    # empty: always asked.
    ask_if: tuple[Conditions, ...] = ()
    # Points added when the answer is "don't know": not knowing is a reason to find out first.
    unknown_points: int = 1
    # A yes/no question about age: a number typed is an age, and this age or more means "yes".
    age_at_least: int | None = None

    @property
    def is_choice(self) -> bool:
        return self.options != YES_NO


@dataclass(frozen=True)
class Rule:
    """Points (or a forced HIGH) for a combination of known answers; its id names the reason."""

    id: str
    when: Conditions
    unless: Conditions
    points: int
    forces_high: bool

    def matches(self, answers: Mapping[str, str]) -> bool:
        return _holds(self.when, answers) and not (self.unless and _holds(self.unless, answers))


def _holds(conditions: Conditions, answers: Mapping[str, str]) -> bool:
    return all(answers.get(question) in allowed for question, allowed in conditions.items())


class Asked(Enum):
    """Whether a question will be asked, given the answers so far."""

    YES = "yes"
    NO = "no"
    MAYBE = "maybe"  # depends on a question not answered yet


@dataclass(frozen=True)
class ChecklistRules:
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    medium_from: int
    high_from: int
    # asked() by answer set: a turn works it out for the same answers up to five times (the
    # question answered, the next one, its progress line), a tenth of the checklist's turn.
    _asked: dict[frozenset[tuple[str, str]], Mapping[str, Asked]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def version(self) -> str:
        """Changes when questions or options change: an old result button then says so."""
        shape = ";".join(f"{q.id}:{','.join(q.options)}" for q in self.questions)
        return hashlib.sha256(shape.encode()).hexdigest()[:6]

    def asked(self, answers: Mapping[str, str]) -> Mapping[str, Asked]:
        """For each question, whether it is asked. A condition on a question that is never asked
        fails; on one not answered yet it may still hold. Shared between callers: read only."""
        key = frozenset(answers.items())
        status = self._asked.get(key)
        if status is None:
            if len(self._asked) >= ASKED_KEPT:
                self._asked.clear()
            status = self._asked[key] = self._work_out_asked(answers)
        return status

    def _work_out_asked(self, answers: Mapping[str, str]) -> dict[str, Asked]:
        status: dict[str, Asked] = {}
        for question in self.questions:
            if not question.ask_if:
                status[question.id] = Asked.YES
                continue
            outcomes = [self._condition(conditions, answers, status) for conditions in question.ask_if]
            status[question.id] = (
                Asked.YES if Asked.YES in outcomes else Asked.MAYBE if Asked.MAYBE in outcomes else Asked.NO
            )
        return status

    @staticmethod
    def _condition(conditions: Conditions, answers: Mapping[str, str], status: Mapping[str, Asked]) -> Asked:
        outcome = Asked.YES
        for question_id, allowed in conditions.items():
            if status[question_id] is Asked.NO:
                return Asked.NO
            if question_id in answers and status[question_id] is Asked.YES:
                if answers[question_id] not in allowed:
                    return Asked.NO
            else:
                outcome = Asked.MAYBE
        return outcome

    def next_question(self, answers: Mapping[str, str]) -> Question | None:
        """The first question that is asked and not answered yet; None when the checklist is done."""
        status = self.asked(answers)
        return next((q for q in self.questions if status[q.id] is Asked.YES and q.id not in answers), None)

    def expected_count(self, answers: Mapping[str, str]) -> int:
        """How many questions this person will answer, as far as can be told now."""
        return sum(1 for asked in self.asked(answers).values() if asked is not Asked.NO)

    def relevant(self, answers: Mapping[str, str]) -> dict[str, str]:
        """The answers to questions that are asked: one left over from a route the user went back
        on counts for nothing."""
        status = self.asked(answers)
        return {qid: answer for qid, answer in answers.items() if status.get(qid) is Asked.YES}


@dataclass(frozen=True)
class Assessment:
    risk: str
    score: int
    # Rules that raised the risk, strongest first (forced ones first): the reasons shown.
    reasons: tuple[str, ...]
    # Rules of a confirmed legal route (negative points): shown as good signs.
    good_signs: tuple[str, ...]
    # Questions answered "don't know", the most important first: what to find out before going.
    unknowns: tuple[str, ...]
    # The risk from what is known; "don't know" alone never lifts a result above MEDIUM.
    known_risk: str


def assess(rules: ChecklistRules, answers: Mapping[str, str]) -> Assessment:
    relevant = rules.relevant(answers)
    matched = [rule for rule in rules.rules if rule.matches(relevant)]
    known_score = sum(rule.points for rule in matched)
    unknowns = sorted(
        (q for q in rules.questions if relevant.get(q.id) == UNKNOWN),
        key=lambda q: -q.unknown_points,  # stable: the file's order among equals
    )
    unknown_score = sum(q.unknown_points for q in unknowns)
    forced = any(rule.forces_high for rule in matched)
    known_risk = "high" if forced else _level(rules, known_score)
    total_risk = _level(rules, known_score + unknown_score)
    capped = min(RISK_LEVELS.index(total_risk), RISK_LEVELS.index("medium"))
    risk = RISK_LEVELS[max(RISK_LEVELS.index(known_risk), capped)]
    raising = sorted(
        (rule for rule in matched if rule.forces_high or rule.points > 0),
        key=lambda rule: (not rule.forces_high, -rule.points),
    )
    return Assessment(
        risk=risk,
        score=known_score + unknown_score,
        reasons=tuple(rule.id for rule in raising),
        good_signs=tuple(rule.id for rule in matched if rule.points < 0 and not rule.forces_high),
        unknowns=tuple(q.id for q in unknowns),
        known_risk=known_risk,
    )


def _level(rules: ChecklistRules, score: int) -> str:
    return "high" if score >= rules.high_from else "medium" if score >= rules.medium_from else "low"


def parse_rules(data: Mapping[str, Any]) -> ChecklistRules:
    """Validate content/checklist.toml so an editor's typo fails at start-up, with a message that
    says where, not in the middle of someone's conversation."""
    levels = _table(data, "levels", "[levels]")
    medium_from, high_from = (
        _whole(levels, "medium_from", "[levels]"),
        _whole(levels, "high_from", "[levels]"),
    )
    if not 0 < medium_from < high_from:
        raise RulesError("checklist.toml: [levels] needs 0 < medium_from < high_from")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise RulesError("checklist.toml: [[questions]] is empty: the checklist needs at least one question")
    questions: list[Question] = []
    for raw in raw_questions:
        questions.append(_question(raw, {q.id: q for q in questions}))
    if len(questions) > MAX_QUESTIONS:
        raise RulesError(f"checklist.toml: at most {MAX_QUESTIONS} questions fit a result button")
    by_id = {q.id: q for q in questions}
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise RulesError("checklist.toml: [[rules]] must be a list of tables")
    rules = [_rule(raw, by_id) for raw in raw_rules]
    _unique((rule.id for rule in rules), "rule")
    return ChecklistRules(tuple(questions), tuple(rules), medium_from, high_from)


def _question(raw: Any, earlier: Mapping[str, Question]) -> Question:
    if not isinstance(raw, Mapping):
        raise RulesError("checklist.toml: each [[questions]] entry must be a table")
    question_id = _identifier(raw.get("id"), "question id")
    where = f"checklist.toml: question {question_id!r}"
    if question_id in earlier:
        raise RulesError(f"{where} appears twice")
    options = YES_NO
    if "options" in raw:
        raw_options = raw["options"]
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            raise RulesError(f"{where}: options must list at least two answers")
        options = tuple(_identifier(option, f"{where}: option") for option in raw_options)
        _unique(options, f"{where}: option")
        if UNKNOWN not in options:
            raise RulesError(f"{where}: options must include {UNKNOWN!r}: everyone may say they don't know")
        if len(options) > MAX_OPTIONS:
            raise RulesError(f"{where}: at most {MAX_OPTIONS} options (a WhatsApp list holds 10)")
    ask_if_raw = raw.get("ask_if", [])
    ask_if_list = [ask_if_raw] if isinstance(ask_if_raw, Mapping) else ask_if_raw
    if not isinstance(ask_if_list, list):
        raise RulesError(f"{where}: ask_if must be a table or a list of tables")
    ask_if = tuple(_conditions(c, earlier, f"{where}: ask_if", allow_unknown=True) for c in ask_if_list)
    unknown_points = raw.get("unknown_points", 1)
    if not isinstance(unknown_points, int) or isinstance(unknown_points, bool) or unknown_points < 0:
        raise RulesError(f"{where}: unknown_points must be a whole number >= 0")
    age_at_least = raw.get("age_at_least")
    if age_at_least is not None and (
        not isinstance(age_at_least, int) or isinstance(age_at_least, bool) or options != YES_NO
    ):
        raise RulesError(f"{where}: age_at_least must be a whole number, on a yes/no question")
    return Question(question_id, options, ask_if, unknown_points, age_at_least)


def _rule(raw: Any, questions: Mapping[str, Question]) -> Rule:
    if not isinstance(raw, Mapping):
        raise RulesError("checklist.toml: each [[rules]] entry must be a table")
    rule_id = _identifier(raw.get("id"), "rule id")
    where = f"checklist.toml: rule {rule_id!r}"
    if not isinstance(raw.get("when"), Mapping) or not raw["when"]:
        raise RulesError(f"{where}: 'when' must name at least one question and its answers")
    # Points come from known answers only: "don't know" is scored by unknown_points, so that it can
    # never make a result HIGH on its own.
    when = _conditions(raw["when"], questions, f"{where}: when", allow_unknown=False)
    unless = _conditions(raw.get("unless", {}), questions, f"{where}: unless", allow_unknown=False)
    points = raw.get("points", 0)
    if not isinstance(points, int) or isinstance(points, bool):
        raise RulesError(f"{where}: points must be a whole number (negative for a confirmed legal route)")
    forces = raw.get("forces_high", False)
    if not isinstance(forces, bool):
        raise RulesError(f"{where}: forces_high must be true or false")
    if points == 0 and not forces:
        raise RulesError(f"{where} does nothing: give it points or forces_high = true")
    return Rule(rule_id, when, unless, points, forces)


def _conditions(raw: Any, questions: Mapping[str, Question], where: str, allow_unknown: bool) -> Conditions:
    if not isinstance(raw, Mapping):
        raise RulesError(f"{where} must be a table of question = answer(s)")
    conditions: dict[str, frozenset[str]] = {}
    for question_id, answers in raw.items():
        question = questions.get(question_id)
        if question is None:
            raise RulesError(
                f"{where} names question {question_id!r}, "
                "which is not a question asked before it in [[questions]]"
            )
        listed = [answers] if isinstance(answers, str) else answers
        if not isinstance(listed, list) or not listed or not all(isinstance(a, str) for a in listed):
            raise RulesError(f"{where}: {question_id} = must be an answer or a list of answers")
        for answer in listed:
            if answer not in question.options:
                raise RulesError(
                    f"{where}: {answer!r} is not an answer to {question_id!r} "
                    f"(answers: {', '.join(question.options)})"
                )
            if answer == UNKNOWN and not allow_unknown:
                raise RulesError(f"{where}: {question_id} = {UNKNOWN!r} is not allowed; use unknown_points")
        conditions[question_id] = frozenset(listed)
    return conditions


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise RulesError(f"checklist.toml: {where} is missing")
    return value


def _whole(table: Mapping[str, Any], key: str, where: str) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise RulesError(f"checklist.toml: {where} {key} must be a whole number")
    return value


def _identifier(value: Any, what: str) -> str:
    if (
        not isinstance(value, str)
        or not value.isidentifier()
        or not value.isascii()
        or len(value) > MAX_ID_CHARS
    ):
        raise RulesError(f"checklist.toml: {what} {value!r} must be a short identifier (letters, digits, _)")
    return value


def _unique(ids: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise RulesError(f"checklist.toml: {what} {item!r} appears twice")
        seen.add(item)


def encode_answers(rules: ChecklistRules, answers: Mapping[str, str]) -> str:
    """The answers in one short string (one character per question, "-" when not asked), so a
    result's "all reasons" button can carry them and nothing needs storing."""
    return "".join(
        str(question.options.index(answers[question.id])) if question.id in answers else "-"
        for question in rules.questions
    )


def decode_answers(rules: ChecklistRules, code: str) -> dict[str, str] | None:
    """The answers back from encode_answers; None when the code does not fit these questions."""
    if len(code) != len(rules.questions):
        return None
    answers: dict[str, str] = {}
    for question, char in zip(rules.questions, code, strict=True):
        if char == "-":
            continue
        if not char.isdigit() or int(char) >= len(question.options):
            return None
        answers[question.id] = question.options[int(char)]
    return answers
