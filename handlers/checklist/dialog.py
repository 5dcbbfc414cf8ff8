"""The job-offer checklist: the route, the work and the place first, then only the yes / no / don't-know
questions that matter for that route, then the risk, the reasons and what to do.

Table of states (docs/dialogs.md has the diagram):
    question   waiting for the answer to the next open question (button, typed word or number);
               back / restart / cancel typed or pressed; the last answer ends it with the result
The saved state is ChecklistState: the answers so far. The open question follows from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from db import queries
from db.records import ChecklistOutcome
from db.regions import local_day
from ground.messages import Button, whole_number
from handlers import typed_answers
from handlers.buttons import Choice, fields_of, pack
from handlers.checklist import result as checklist_result
from handlers.checklist.scoring import YES_NO, ChecklistRules, Question, assess
from handlers.context import Dialog, Turn
from handlers.menu import HOME_DIALOG, show_menu
from handlers.typed_answers import Vocabulary

NAME = "checklist"
QUESTION = "question"
# Button data: "ck:a:<question id>:<answer code>" (Telegram allows 64 bytes). Yes/no answers are
# one letter; a choice is its option id.
PREFIX = "ck"
YES_NO_CODES: dict[str, str] = {"y": "yes", "n": "no", "u": "unknown"}
CODE_OF = {answer: code for code, answer in YES_NO_CODES.items()}
CONTROL = Choice(PREFIX)  # back, restart, cancel


@dataclass(frozen=True)
class AnswerButton:
    """ck:a:<question id>:<answer code>, read back as what was answered to which question."""

    question_id: str
    code: str

    def pack(self) -> str:
        return pack(f"{PREFIX}:a", self.question_id, self.code)

    @classmethod
    def read(cls, data: str) -> AnswerButton | None:
        fields = fields_of(f"{PREFIX}:a", data, 2)
        return cls(*fields) if fields else None


MIN_AGE, MAX_AGE = 10, 99


@dataclass
class ChecklistState:
    """What the checklist keeps between messages: the answers so far, by question id."""

    answers: dict[str, str] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        return {"answers": dict(self.answers)}

    @classmethod
    def from_data(cls, data: Mapping[str, Any], rules: ChecklistRules) -> ChecklistState | None:
        """None when the saved answers do not fit today's questions (saved by an older version)."""
        answers = data.get("answers")
        if not isinstance(answers, dict):
            return None
        for question_id, answer in answers.items():
            question = rules.question(question_id)
            if question is None or answer not in question.options:
                return None
        return cls(dict(answers))


@dataclass(frozen=True)
class Input:
    """What a message means at the open question."""

    action: Literal["answer", "old_question", "back", "restart", "cancel", "unclear"]
    answer: str = ""


async def begin(turn: Turn) -> None:
    turn.say(turn.t("checklist.intro"))
    _save(turn, ChecklistState())
    await ask(turn)


async def ask(turn: Turn) -> None:
    """Shows the open question (also after a restart of the bot: see start.start)."""
    rules = turn.services.checklist
    state = _load(turn)
    if state is None:
        await _start_again(turn)
        return
    question = rules.next_question(state.answers)
    if question is None:  # every question answered, e.g. the questions changed since
        await _finish(turn, state)
        return
    progress = turn.t(
        "checklist.progress",
        number=len(rules.relevant(state.answers)) + 1,
        total=rules.expected_count(state.answers),
    )
    text = turn.t(f"checklist.questions.{question.id}.question")
    if question.is_choice:
        options = "\n".join(
            f"{number}. {_detail(turn, question, option)}"
            for number, option in enumerate(question.options, start=1)
        )
        footer = f"{turn.t('checklist.choose')} {turn.t('checklist.controls')}"
        buttons = tuple(
            (Button(turn.t(f"checklist.questions.{question.id}.options.{option}"), _data(question, option)),)
            for option in question.options
        )
        turn.say(f"{progress}\n\n{text}\n{options}\n\n{footer}", buttons)
    else:
        # Exactly three reply buttons: on WhatsApp they stay buttons of their own (not a list);
        # back / restart / cancel are typed words, named under every question.
        answers = tuple(
            Button(turn.t(f"checklist.answer.{answer}"), _data(question, answer)) for answer in YES_NO
        )
        turn.say(f"{progress}\n\n{text}\n\n{turn.t('checklist.controls')}", (answers,))


async def on_input(turn: Turn) -> None:
    """An answer (button, typed word, or a number where numbers are offered), back, restart or cancel."""
    rules = turn.services.checklist
    state = _load(turn)
    question = rules.next_question(state.answers) if state else None
    if state is None or question is None:
        await _start_again(turn)
        return
    read = _read(turn, question)
    if read.action == "answer":
        state.answers[question.id] = read.answer
        _save(turn, state)
        if rules.next_question(state.answers) is None:
            await _finish(turn, state)
        else:
            await ask(turn)
    elif read.action == "old_question":
        turn.say(turn.t("checklist.old_question"))
        await ask(turn)
    elif read.action == "back":
        _save(turn, _back(rules, state, question))
        await ask(turn)
    elif read.action == "restart":
        await begin(turn)
    elif read.action == "cancel":
        turn.say(turn.t("checklist.cancelled"))
        await show_menu(turn)
    else:
        greeted = typed_answers.greeting(turn.services.content, turn.incoming.text)
        hint = (
            turn.t(f"menu.{greeted}")  # "halo" mid-checklist: greeted back, not "not understood"
            if greeted is not None
            else turn.t("checklist.unclear_choice", count=len(question.options))
            if question.is_choice
            else turn.t("checklist.unclear")
        )
        turn.say(hint)
        await ask(turn)


async def show_all_reasons(turn: Turn) -> None:
    """The result's "all reasons" button: it carries the answers, so it works from any step,
    as long as the questions have not changed since."""
    rules = turn.services.checklist
    answers = checklist_result.answers_from_button(rules, turn.incoming.data)
    if answers is None:
        turn.say(turn.t("checklist.old_result"), ((Button(turn.t("checklist.buttons.menu"), "menu:main"),),))
        return
    for reply in checklist_result.all_reasons(turn.t, assess(rules, answers)):
        turn.say(reply.text, reply.buttons)


def _read(turn: Turn, question: Question) -> Input:
    incoming = turn.incoming
    if incoming.kind == "button":
        pressed = AnswerButton.read(incoming.data)
        if pressed is not None:
            if pressed.question_id != question.id:
                return Input("old_question")
            answer = YES_NO_CODES.get(pressed.code, "") if not question.is_choice else pressed.code
            return Input("answer", answer) if answer in question.options else Input("unclear")
        control = CONTROL.read(incoming.data)
        if control == "back":
            return Input("back")
        if control == "restart":
            return Input("restart")
        return Input("cancel") if control == "cancel" else Input("unclear")
    return _read_typed(turn, question, incoming.text)


def _read_typed(turn: Turn, question: Question, text: str) -> Input:
    content = turn.services.content
    number = whole_number(text.strip().rstrip("."))
    # A number is an answer only where numbers are shown: the options of a choice question.
    if question.is_choice and number is not None:
        return (
            Input("answer", question.options[number - 1])
            if 1 <= number <= len(question.options)
            else Input("unclear")
        )
    age = _age_in(text) if question.age_at_least is not None else None
    if age is not None and question.age_at_least is not None:
        return Input("answer", "yes" if age >= question.age_at_least else "no")
    key = f"checklist.questions.{question.id}"
    own = {option: typed_answers.phrases(content, f"{key}.words.{option}") for option in question.options}
    if question.is_choice:
        shared = {
            option: typed_answers.labels(content, f"{key}.options.{option}") for option in question.options
        }
        shared["unknown"] += typed_answers.phrases(content, "answers.unknown")
    else:
        shared = {
            answer: typed_answers.phrases(content, f"answers.{answer}")
            + typed_answers.labels(content, f"checklist.answer.{answer}")
            for answer in YES_NO
        }
    found = Vocabulary.of(own, shared).answers_in(text)
    if len(found) == 1:
        return Input("answer", next(iter(found)))
    if found:
        return Input("unclear")  # "ya... tidak": ask again rather than guess
    controls = Vocabulary.of(
        {action: typed_answers.phrases(content, f"answers.{action}") for action in ("back", "restart")}
    )
    actions = controls.answers_in(text)
    if len(actions) == 1:
        return Input("back" if "back" in actions else "restart")
    return Input("unclear")


def _age_in(text: str) -> int | None:
    """ "sekitar 16 tahun", "umurnya 24": the only whole number in the text, if it can be the age of
    someone offered work. "1" to "9" are not: they are more likely a button's number mistyped."""
    numbers = [whole_number(word) for word in typed_answers.normalise(text)]
    ages = [n for n in numbers if n is not None]
    return ages[0] if len(ages) == 1 and MIN_AGE <= ages[0] <= MAX_AGE else None


def _back(rules: ChecklistRules, state: ChecklistState, current: Question) -> ChecklistState:
    """Forgets the last answer before the open question, so that question is asked again."""
    answered = [q.id for q in rules.questions if q.id in rules.relevant(state.answers)]
    if not answered:
        return state
    previous = answered[-1]
    position = [q.id for q in rules.questions].index(previous)
    keep = {q.id for q in rules.questions[:position]}
    return ChecklistState({qid: answer for qid, answer in state.answers.items() if qid in keep})


async def _finish(turn: Turn, state: ChecklistState) -> None:
    rules = turn.services.checklist
    answers = rules.relevant(state.answers)
    assessment = assess(rules, answers)
    await queries.save_checklist_outcome(
        turn.session,
        ChecklistOutcome(
            risk=assessment.risk,
            score=assessment.score,
            flags=assessment.reasons,
            region_code=turn.user.region_code,
            language=turn.t.language,
            taken_on=local_day(turn.now, turn.user.region_code),
        ),
    )
    button_data = checklist_result.result_button_data(rules, answers)
    result = checklist_result.short_result(turn.services, turn.t, assessment, button_data)
    turn.say(result.text, result.buttons)
    # Done: back home, without sending the menu too (the result's buttons lead on; "menu" works).
    turn.go(HOME_DIALOG, "idle")


async def _start_again(turn: Turn) -> None:
    turn.say(turn.t("checklist.changed"))
    await begin(turn)


def _load(turn: Turn) -> ChecklistState | None:
    return ChecklistState.from_data(turn.state.data, turn.services.checklist)


def _save(turn: Turn, state: ChecklistState) -> None:
    turn.go(NAME, QUESTION, state.to_data())


def _data(question: Question, answer: str) -> str:
    return AnswerButton(question.id, CODE_OF[answer] if not question.is_choice else answer).pack()


def _detail(turn: Turn, question: Question, option: str) -> str:
    key = f"checklist.questions.{question.id}"
    return (
        turn.t(f"{key}.details.{option}")
        if turn.t.has(f"{key}.details.{option}")
        else turn.t(f"{key}.options.{option}")
    )


DIALOG = Dialog(name=NAME, steps={QUESTION: on_input}, reprompt=ask, button_prefix=PREFIX)
