"""How a case reads for a coordinator, and the buttons to act on it."""

from __future__ import annotations

from db.cases import CaseRecord
from ground.i18n import Texts
from ground.messages import Button, Template
from handlers.buttons import ActionOn, Choice, ChoiceOn, RecordId
from handlers.regions.search import Place
from handlers.reports.form import ReportForm
from handlers.spoken_dates import spoken_date_text

# What a case's buttons carry (handlers/buttons.py). The role is checked again on every tap.
CASE_ACTION = ActionOn("cs")  # ack, prog, info, close or view, on a case
CLOSE_AS = ChoiceOn("cs:out")  # a case and the outcome it is closed with
ADD_INFO = RecordId("my:add")  # the reporter adds information to their case
EXPORT = Choice("cx")  # csv or xlsx


def field_value(t: Texts, form: ReportForm, field_id: str, value: str) -> str:
    field = form.field(field_id)
    if field is not None and field.type == "choice":
        return t(f"report.choice.{field_id}.{value}")
    if field is not None and field.type == "photo":
        return "✓"
    if field is not None and field.type == "date":
        return spoken_date_text(value, t)  # "01-10-2026", "Agustus 2026", "sekitar Mei 2026"
    return value


def details_lines(
    t: Texts, form: ReportForm, kind: str, answers: dict[str, str], place: Place | None
) -> list[str]:
    lines = []
    for field in form.for_kind(kind):
        value = answers.get(field.id)
        if field.type == "village":
            shown = place.label if place else (value or t("report.empty"))
        elif value:
            shown = field_value(t, form, field.id, value)
        else:
            shown = t("report.empty")
        lines.append(f"{t(f'report.label.{field.id}')}: {shown}")
    return lines


def case_text(t: Texts, form: ReportForm, case: CaseRecord, place: Place | None) -> str:
    header = f"🚨 {case.reference} · {t(f'report.kind.{case.kind}')}"
    if case.verified_source:
        header += f"\n{t('report.verified')}"
    status = t(f"cases.status.{case.status}")
    if case.outcome:
        status += f" ({t(f'cases.outcome.{case.outcome}')})"
    lines = details_lines(t, form, case.kind, case.details, place)
    return "\n".join([header, f"{t('cases.status_label')}: {status}", "", *lines])


def coordinator_buttons(t: Texts, case: CaseRecord) -> tuple[tuple[Button, ...], ...]:
    if case.status == "closed":
        return ()
    return (
        (
            Button(t("cases.ack"), CASE_ACTION.pack("ack", case.id)),
            Button(t("cases.progress"), CASE_ACTION.pack("prog", case.id)),
        ),
        (
            Button(t("cases.ask_info"), CASE_ACTION.pack("info", case.id)),
            Button(t("cases.close"), CASE_ACTION.pack("close", case.id)),
        ),
    )


def case_alert(language: str, case: CaseRecord) -> Template:
    """What reaches a coordinator outside WhatsApp's 24-hour window: the "case_alert" template
    naming the case, whose button opens it in the bot."""
    return Template("case_alert", language, (case.reference,), CASE_ACTION.pack("view", case.id))
