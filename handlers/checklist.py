"""The job-offer checklist: one yes / no / don't-know question at a time, then the risk and what to do."""

from __future__ import annotations

from bot.messages import Button
from db import queries
from db.records import ChecklistOutcome
from db.regions import local_day
from handlers import numbers
from handlers.checklist_scoring import ANSWERS, Answer, Assessment, assess
from handlers.context import Dialog, Turn
from handlers.menu import show_menu

NAME = "checklist"
# Button data is short on purpose: Telegram allows 64 bytes. "ck:a:<question id>:<y|n|u>".
ANSWER_CODES: dict[str, Answer] = {"y": "yes", "n": "no", "u": "unknown"}
CODE_OF = {answer: code for code, answer in ANSWER_CODES.items()}


async def begin(turn: Turn) -> None:
    rules = turn.services.checklist
    turn.say(turn.t("checklist.intro", count=len(rules.questions)))
    turn.go(NAME, "question", {"current": rules.questions[0].id, "answers": {}})
    await ask(turn)


async def ask(turn: Turn) -> None:
    rules = turn.services.checklist
    question_id = turn.state.data["current"]
    index = rules.index_of(question_id)
    answers = tuple(
        Button(turn.t(f"checklist.answer.{answer}"), f"ck:a:{question_id}:{CODE_OF[answer]}")
        for answer in ANSWERS
    )
    controls: tuple[Button, ...] = (Button(turn.t("checklist.back"), "ck:back"),) if index > 0 else ()
    controls += (
        Button(turn.t("checklist.restart"), "ck:restart"),
        Button(turn.t("checklist.cancel"), "ck:cancel"),
    )
    progress = turn.t("checklist.progress", number=index + 1, total=len(rules.questions))
    turn.say(f"{progress}\n\n{turn.t(f'checklist.questions.{question_id}.question')}", (answers, controls))


async def on_input(turn: Turn) -> None:
    """Handles an answer (button or typed word), back, restart or cancel while a question is open."""
    action, question_id, answer = _read_input(turn)
    if action == "answer" and question_id not in (None, turn.state.data["current"]):
        turn.say(turn.t("checklist.old_question"))
        await ask(turn)
    elif action == "answer" and answer is not None:
        await _record(turn, answer)
    elif action == "back":
        await _go_back(turn)
    elif action == "restart":
        await begin(turn)
    elif action == "cancel":
        turn.say(turn.t("checklist.cancelled"))
        await show_menu(turn)
    else:
        turn.say(turn.t("checklist.use_buttons"))
        await ask(turn)


def _read_input(turn: Turn) -> tuple[str, str | None, Answer | None]:
    incoming = turn.incoming
    if incoming.kind == "button":
        parts = incoming.data.split(":")
        if len(parts) == 4 and parts[1] == "a" and parts[3] in ANSWER_CODES:
            return "answer", parts[2], ANSWER_CODES[parts[3]]
        return (parts[1] if len(parts) == 2 else ""), None, None
    word = incoming.text.strip().lower()
    content = turn.services.content
    for answer in ANSWERS:
        if any(word in content.texts(lang).words(f"keywords.{answer}") for lang in content.languages):
            return "answer", None, answer
    for action in ("back", "restart"):
        if any(word in content.texts(lang).words(f"keywords.{action}") for lang in content.languages):
            return action, None, None
    return "", None, None


async def _record(turn: Turn, answer: Answer) -> None:
    rules = turn.services.checklist
    data = turn.state.data
    data["answers"][data["current"]] = answer
    index = rules.index_of(data["current"])
    if index + 1 < len(rules.questions):
        data["current"] = rules.questions[index + 1].id
        await ask(turn)
    else:
        await _finish(turn, assess(rules, data["answers"]))


async def _go_back(turn: Turn) -> None:
    rules = turn.services.checklist
    index = rules.index_of(turn.state.data["current"])
    turn.state.data["current"] = rules.questions[max(index - 1, 0)].id
    await ask(turn)


async def _finish(turn: Turn, assessment: Assessment) -> None:
    await queries.save_checklist_outcome(
        turn.session,
        ChecklistOutcome(
            risk=assessment.risk,
            score=assessment.score,
            flags=tuple(flag.question_id for flag in assessment.raised),
            region_code=turn.user.region_code,
            language=turn.t.language,
            taken_on=local_day(turn.now, turn.user.region_code),
        ),
    )
    reasons = [
        f"• {turn.t(f'checklist.questions.{flag.question_id}.reasons.{flag.answer}')}"
        for flag in assessment.raised
    ]
    verdict = turn.t(f"checklist.result.{assessment.risk}")
    if reasons:
        verdict += "\n\n" + turn.t("checklist.reasons_title") + "\n" + "\n".join(reasons)
    # Two messages: one long message is hard to read on a small screen and may exceed limits.
    turn.say(verdict)
    turn.say(
        f"{turn.t(f'checklist.next_steps.{assessment.risk}')}\n\n{turn.t('numbers.title')}\n"
        f"{numbers.render(turn.services, turn.t)}\n\n{turn.t('checklist.anonymous')}"
    )
    await show_menu(turn)


DIALOG = Dialog(name=NAME, steps={"question": on_input}, reprompt=ask, button_prefix="ck")
