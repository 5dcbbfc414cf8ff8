"""What the checklist says at the end: a short result first (verdict, three reasons, what to do),
then, on request, every reason with its explanation and where to find out more."""

from __future__ import annotations

from ground.i18n import Texts
from ground.messages import Button, Reply
from handlers.checklist.scoring import Assessment, ChecklistRules, decode_answers, encode_answers
from handlers.context import Services
from handlers.hotlines import national as hotlines

RESULT_PREFIX = "cr"
SHORT_REASONS = 3
# One message stays well under Telegram's and WhatsApp's 4,096 characters.
MAX_MESSAGE_CHARS = 3500


def result_button_data(rules: ChecklistRules, answers: dict[str, str]) -> str:
    """ "cr:<version>:<answers>": the all-reasons button carries the answers, so nothing about
    them needs storing; a button from before a change of questions is recognised as old."""
    return f"{RESULT_PREFIX}:{rules.version}:{encode_answers(rules, answers)}"


def answers_from_button(rules: ChecklistRules, data: str) -> dict[str, str] | None:
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != RESULT_PREFIX or parts[1] != rules.version:
        return None
    return decode_answers(rules, parts[2])


def verdict_key(assessment: Assessment) -> str:
    """ "medium_unknown" when only "don't know" answers made it MEDIUM: the advice is to find out."""
    if assessment.risk == "medium" and assessment.known_risk == "low":
        return "medium_unknown"
    return assessment.risk


def short_result(services: Services, t: Texts, assessment: Assessment, button_data: str) -> Reply:
    reasons = [t(f"checklist.reasons.{rule}.short") for rule in assessment.reasons]
    find_outs = [t(f"checklist.questions.{question}.find_out") for question in assessment.unknowns]
    if reasons:
        title, items = "checklist.result.reasons", [*reasons, *find_outs][:SHORT_REASONS]
    elif find_outs:
        title, items = "checklist.result.find_out", find_outs[:SHORT_REASONS]
    else:
        title = "checklist.result.good_signs"
        items = [t(f"checklist.reasons.{rule}.short") for rule in assessment.good_signs][:SHORT_REASONS]
    key = verdict_key(assessment)
    parts = [t(f"checklist.result.{key}")]
    if items:
        parts.append(t(title) + "\n" + "\n".join(f"• {item}" for item in items))
    parts.append(_todo(services, t, key))
    buttons = (
        (Button(t("checklist.buttons.all_reasons"), button_data),),
        (Button(t("checklist.buttons.numbers"), "menu:numbers"),),
        (Button(t("checklist.buttons.report"), "menu:report"),),
    )
    return Reply("\n\n".join(parts), buttons)


def all_reasons(t: Texts, assessment: Assessment) -> list[Reply]:
    """Every reason with its explanation, what to find out and where, and the good signs; split
    at paragraphs into messages a phone shows whole."""
    paragraphs = [t(f"checklist.result.{verdict_key(assessment)}")]
    if assessment.reasons:
        paragraphs.append(t("checklist.result.all_reasons"))
        paragraphs += [
            f"• {t(f'checklist.reasons.{rule}.short')} {t(f'checklist.reasons.{rule}.more')}"
            for rule in assessment.reasons
        ]
    if assessment.unknowns:
        paragraphs.append(t("checklist.result.find_out"))
        paragraphs += [f"❓ {t(f'checklist.questions.{q}.find_out')}" for q in assessment.unknowns]
    if assessment.good_signs:
        paragraphs.append(t("checklist.result.good_signs"))
        paragraphs += [f"✅ {t(f'checklist.reasons.{rule}.short')}" for rule in assessment.good_signs]
    if not (assessment.reasons or assessment.unknowns or assessment.good_signs):
        paragraphs.append(t("checklist.result.no_reasons"))
    paragraphs.append(t("checklist.anonymous"))
    messages = _split(paragraphs)
    # The last paragraph is short: on WhatsApp it is the body that goes with the buttons.
    messages[-1] = f"{messages[-1]}\n\n{t('checklist.result.next')}"
    buttons = (
        (Button(t("checklist.buttons.numbers"), "menu:numbers"),),
        (Button(t("checklist.buttons.report"), "menu:report"),),
        (Button(t("checklist.buttons.menu"), "menu:main"),),
    )
    return [*(Reply(text) for text in messages[:-1]), Reply(messages[-1], buttons)]


def _split(paragraphs: list[str]) -> list[str]:
    messages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if current and len(joined) > MAX_MESSAGE_CHARS:
            messages.append(current)
            current = paragraph
        else:
            current = joined
    messages.append(current)
    return messages


def _todo(services: Services, t: Texts, key: str) -> str:
    content = services.content
    return t(
        f"checklist.todo.{key}",
        p2mi=hotlines.number_of(content, "p2mi"),
        police=hotlines.number_of(content, "police"),
    )
