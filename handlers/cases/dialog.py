"""Acting on cases: coordinators acknowledge, ask, progress and close; reporters follow and add.

Every action is authorised here from the roles in the database and the case's village; what a
button claims is never trusted (a forged or forwarded button from an outsider changes nothing)."""

from __future__ import annotations

from typing import Any

from db import audit, cases, media, outbox, queries, roles
from db.cases import OUTCOMES, CaseRecord
from ground.messages import Button, Reply, Template
from handlers.access import may_handle_case, my_task_force_roles
from handlers.cases.export import case_table, cases_workbook
from handlers.cases.messages import (
    ADD_INFO,
    CASE_ACTION,
    CLOSE_AS,
    EXPORT,
    case_alert,
    case_text,
    coordinator_buttons,
)
from handlers.choice_labels import numbered_choices
from handlers.context import Dialog, Turn
from handlers.menu import show_menu
from handlers.tables import to_csv

NAME = "cases"
MAX_NOTE = 1000
LIST_LIMIT = 10
# Button action -> the status it sets (the reporter is told). "info" and "close" ask something first.
STATUS_ACTIONS = {"ack": "acknowledged", "prog": "in_progress"}


def about_case(case_id: int) -> dict[str, Any]:
    """The state of the question and info steps: the one case the typed text is about."""
    return {"case": case_id}


def case_asked_about(turn: Turn) -> int | None:
    case_id = turn.state.data.get("case")
    return case_id if isinstance(case_id, int) else None


async def case_for_coordinator(turn: Turn, case_id: int | None) -> CaseRecord | None:
    """The case, locked, if the user may act on it now; otherwise None, said and audited."""
    case = None if case_id is None else await cases.get_case(turn.session, case_id, lock=True)
    my_roles = await roles.active_roles(turn.session, turn.user.id)
    if case is None or not may_handle_case(my_roles, case.village_code):
        turn.say(turn.t("cases.not_allowed"))
        await record_refusal(turn, "refused_case_action", case.id if case else None)
        return None
    return case


def actor(turn: Turn) -> str:
    """Who did it, for the audit log."""
    return f"{turn.user.channel}:{turn.user.external_id}"


async def record_refusal(turn: Turn, action: str, case_id: int | None = None) -> None:
    """A refused attempt in the audit log, with the button it came from: a forged or stale button,
    someone else's case or region. Probing shows up in `sigap audit`."""
    incoming = turn.incoming
    what = (
        incoming.data if incoming.kind == "button" else f"/{incoming.command}" if incoming.command else None
    )
    await audit.record(turn.session, actor(turn), action, turn.now, case_id, detail=what)


async def _show_case(turn: Turn, case_id: int, note: str = "") -> None:
    case = await cases.get_case(turn.session, case_id)
    assert case is not None
    await audit.record(turn.session, actor(turn), "case_viewed", turn.now, case.id)
    place = (await turn.services.regions.index(turn.session)).get(case.village_code)
    text = case_text(turn.t, turn.services.report_form, case, place)
    turn.say(f"{note}\n\n{text}" if note else text, coordinator_buttons(turn.t, case))


async def _tell_reporter(turn: Turn, case: CaseRecord, key: str, text_key: str, **params: str) -> bool:
    """Queue a message to the reporter in their own language; False if there is nobody to tell."""
    if case.reporter_user_id is None:
        return False
    reporter = await queries.get_user(turn.session, case.reporter_user_id)
    if reporter is None:
        return False
    t = turn.services.content.texts(reporter.language)
    buttons: tuple[tuple[Button, ...], ...] = ()
    if text_key == "cases.reporter.info_requested":
        buttons = ((Button(t("cases.answer"), ADD_INFO.pack(case.id)),),)
    text = t(text_key, reference=case.reference, **params)
    # Outside WhatsApp's 24-hour window the reporter gets the "case_update" template; its button
    # brings them to their reports.
    template = Template("case_update", reporter.language, (case.reference,), "my:list")
    queued = await outbox.enqueue(
        turn.session,
        f"case:{case.id}:{key}",
        reporter.channel,
        reporter.chat_id,
        Reply(text, buttons, template=template),
        turn.now,
    )
    turn.queued_messages += queued
    return True


# --- coordinators -----------------------------------------------------------------------------


async def on_coordinator_button(turn: Turn) -> None:
    """cs:ack|prog|info|close|view:<case id>, cs:out:<case id>:<outcome>."""
    data = turn.incoming.data
    acted, closing = CASE_ACTION.read(data), CLOSE_AS.read(data)
    action, case_id = acted if acted else ("out", closing[0]) if closing else ("", None)
    case = await case_for_coordinator(turn, case_id)
    if case is None:
        return
    if case.status == "closed" and action != "view":
        await _show_case(turn, case.id, turn.t("cases.already_closed"))
    elif action in STATUS_ACTIONS:
        await _change_status(turn, case, STATUS_ACTIONS[action])
    elif action == "info":
        if not case.contact_allowed or case.reporter_user_id is None:
            await _show_case(turn, case.id, turn.t("cases.no_contact"))
            return
        turn.say(turn.t("cases.type_question", reference=case.reference))
        turn.go(NAME, "question", about_case(case.id))
    elif action == "close":
        labels = [Button(turn.t(f"cases.outcome.{o}"), CLOSE_AS.pack(case.id, o)) for o in OUTCOMES]
        turn.say(turn.t("cases.choose_outcome", reference=case.reference), tuple((b,) for b in labels))
    elif closing and closing[1] in OUTCOMES:
        await _change_status(turn, case, "closed", closing[1])
    else:
        # The forwarded photo may not have reached them (WhatsApp window).
        photo = await media.case_photo(turn.session, case.id, str(case.details.get("photo") or ""))
        if photo:
            turn.replies.append(Reply(case.reference, photo=photo))
        await _show_case(turn, case.id)


async def _change_status(turn: Turn, case: CaseRecord, status: str, outcome: str | None = None) -> None:
    await cases.set_status(turn.session, case.id, status, turn.now, outcome)
    await cases.add_event(turn.session, case.id, status, turn.user.id, outcome, turn.now)
    await audit.record(turn.session, actor(turn), f"case_{status}", turn.now, case.id, outcome)
    events = len(await cases.history(turn.session, case.id))
    outcome_text = ""
    if outcome and case.reporter_user_id is not None:
        reporter = await queries.get_user(turn.session, case.reporter_user_id)
        if reporter is not None:
            outcome_text = turn.services.content.texts(reporter.language)(f"cases.outcome.{outcome}")
    await _tell_reporter(turn, case, f"{status}:{events}", f"cases.reporter.{status}", outcome=outcome_text)
    await _show_case(turn, case.id, turn.t("cases.done"))


async def on_question(turn: Turn) -> None:
    """The coordinator typed what the reporter is asked."""
    case = await case_for_coordinator(turn, case_asked_about(turn))
    text = turn.incoming.text.strip()
    if case is None or turn.incoming.kind != "text" or not text:
        await show_menu(turn)
        return
    question = text[:MAX_NOTE]
    await cases.set_status(turn.session, case.id, "info_requested", turn.now)
    await cases.add_event(turn.session, case.id, "info_requested", turn.user.id, question, turn.now)
    await audit.record(turn.session, actor(turn), "case_info_requested", turn.now, case.id)
    events = len(await cases.history(turn.session, case.id))
    await _tell_reporter(turn, case, f"question:{events}", "cases.reporter.info_requested", question=question)
    turn.say(turn.t("cases.question_sent"))
    await show_menu(turn)


async def add_note(turn: Turn, case_id: int | None, text: str) -> CaseRecord | None:
    """A task-force note on the case's history (`sigap cases note`): kept with the case and in
    its export, not sent to the reporter. None if refused (said and audited)."""
    case = await case_for_coordinator(turn, case_id)
    if case is None:
        return None
    await cases.add_event(turn.session, case.id, "note", turn.user.id, text.strip()[:MAX_NOTE], turn.now)
    await audit.record(turn.session, actor(turn), "case_note_added", turn.now, case.id)
    await _show_case(turn, case.id, turn.t("cases.done"))
    return case


async def list_cases(turn: Turn) -> None:
    """/kasus: open cases of the coordinator's regions, newest first."""
    regions = await _coordinator_regions(turn)
    if not regions:
        turn.say(turn.t("officials.not_coordinator"))
        await show_menu(turn)
        return
    ordered = (await cases_of_regions(turn, regions, open_only=True, limit=LIST_LIMIT))[::-1][:LIST_LIMIT]
    if not ordered:
        turn.say(turn.t("cases.none_open"))
        await show_menu(turn)
        return
    # The status goes in the listed line: "TPPO-6112-000001 · sedang ditangani" would not fit a label.
    listing, numbered = numbered_choices(
        turn.t,
        [
            (
                c.reference,
                f"{c.reference} · {turn.t(f'cases.status.{c.status}')}",
                CASE_ACTION.pack("view", c.id),
            )
            for c in ordered
        ],
    )
    rows: list[tuple[Button, ...]] = list(numbered)
    if turn.incoming.channel in turn.services.csv_refused_by:
        rows.append((Button("📊 XLSX", EXPORT.pack("xlsx")),))
    else:
        rows.append((Button("📄 CSV", EXPORT.pack("csv")), Button("📊 XLSX", EXPORT.pack("xlsx"))))
    turn.say(f"{turn.t('cases.open_list', count=len(ordered))}\n{listing}", tuple(rows))
    listed = ", ".join(c.reference for c in ordered)
    await audit.record(turn.session, actor(turn), "cases_listed", turn.now, detail=listed)


async def _coordinator_regions(turn: Turn) -> list[str | None]:
    return [r.region_code for r in await my_task_force_roles(turn)]


async def cases_of_regions(
    turn: Turn, regions: list[str | None], open_only: bool, limit: int | None = None
) -> list[CaseRecord]:
    """Cases of several regions (a province and one of its regencies overlap), oldest first."""
    found: dict[int, CaseRecord] = {}
    for region in regions:
        for case in await cases.cases_in_region(turn.session, region, open_only=open_only, limit=limit):
            found[case.id] = case
    return sorted(found.values(), key=lambda c: c.id)


async def export_document(turn: Turn) -> None:
    """cx:csv / cx:xlsx: every case (open and closed) of the coordinator's regions, as a file."""
    regions = await _coordinator_regions(turn)
    fmt = EXPORT.read(turn.incoming.data)
    if not regions or fmt not in ("csv", "xlsx"):
        turn.say(turn.t("cases.not_allowed"))
        await record_refusal(turn, "refused_cases_export")
        return
    if fmt == "csv" and turn.incoming.channel in turn.services.csv_refused_by:
        fmt = "xlsx"  # an old CSV button on a channel that cannot send the file
    ordered = await cases_of_regions(turn, regions, open_only=False)
    index = await turn.services.regions.index(turn.session)
    notes = await cases.notes_of(turn.session, [case.id for case in ordered])
    table = case_table(turn.t, turn.services.report_form, index, ordered, notes)
    content = to_csv(table) if fmt == "csv" else cases_workbook(turn.t, table)
    regions_text = ", ".join(r or "all" for r in regions)
    await audit.record(
        turn.session,
        actor(turn),
        "cases_exported",
        turn.now,
        detail=f"{fmt}, {len(ordered)} cases: {regions_text}",
    )
    name = f"kasus-{turn.now.date().isoformat()}.{fmt}"
    turn.replies.append(
        Reply(turn.t("cases.export_caption", count=len(ordered)), document_name=name, document=content)
    )


# --- reporters --------------------------------------------------------------------------------


async def my_reports(turn: Turn) -> None:
    """/laporan: the reporter's own cases, with status, and a way to add information."""
    mine = await cases.cases_of_reporter(turn.session, turn.user.id)
    if not mine:
        turn.say(turn.t("cases.no_reports"))
        await show_menu(turn)
        return
    lines = [turn.t("cases.my_reports")]
    rows = []
    several_open = sum(case.status != "closed" for case in mine) > 1
    for number, case in enumerate(mine, start=1):
        # Numbered: "➕ Tambah info TPPO-6112-000001" would not fit a label; "➕ Tambah info 2" does.
        lines.append(f"{number}. {case.reference}: {turn.t(f'cases.status.{case.status}')}")
        if case.status != "closed":
            label = turn.t("cases.add_info_to", number=number) if several_open else turn.t("cases.add_info")
            rows.append((Button(label, ADD_INFO.pack(case.id)),))
    turn.say("\n".join(lines), tuple(rows))


async def on_reporter_button(turn: Turn) -> None:
    """my:list (the button of a case-update template) or my:add:<case id>: only the case's own
    reporter may add to it."""
    if turn.incoming.data == "my:list":
        await my_reports(turn)
        return
    case_id = ADD_INFO.read(turn.incoming.data)
    case = None if case_id is None else await cases.get_case(turn.session, case_id)
    if case is None or case.reporter_user_id != turn.user.id:
        turn.say(turn.t("cases.not_allowed"))
        await record_refusal(turn, "refused_reporter_action", case.id if case else None)
        return
    if case.status == "closed":
        turn.say(turn.t("cases.already_closed"))
        return
    turn.say(turn.t("cases.type_info", reference=case.reference))
    turn.go(NAME, "info", about_case(case.id))


async def on_info(turn: Turn) -> None:
    case_id = case_asked_about(turn)
    case = None if case_id is None else await cases.get_case(turn.session, case_id, lock=True)
    text = turn.incoming.text.strip()
    if case is None or case.reporter_user_id != turn.user.id or turn.incoming.kind != "text" or not text:
        await show_menu(turn)
        return
    note = text[:MAX_NOTE]
    await cases.add_event(turn.session, case.id, "info_added", turn.user.id, note, turn.now)
    await audit.record(turn.session, actor(turn), "case_info_added", turn.now, case.id)
    if case.status == "info_requested":
        await cases.set_status(turn.session, case.id, "in_progress", turn.now)
    events = len(await cases.history(turn.session, case.id))
    _, recipients = await roles.case_recipients(turn.session, case.regency_code)
    for recipient in recipients:
        t = turn.services.content.texts(recipient.language)
        text_out = t("cases.info_from_reporter", reference=case.reference, note=note)
        reply = Reply(
            text_out,
            ((Button(t("cases.open"), CASE_ACTION.pack("view", case.id)),),),
            template=case_alert(recipient.language, case),
        )
        turn.queued_messages += await outbox.enqueue(
            turn.session,
            f"case:{case.id}:info:{events}:{recipient.user_id}",
            recipient.channel,
            recipient.chat_id,
            reply,
            turn.now,
        )
    turn.say(turn.t("cases.info_sent", reference=case.reference))
    await show_menu(turn)


async def reprompt(turn: Turn) -> None:
    key = "cases.type_question" if turn.state.step == "question" else "cases.type_info"
    case = await cases.get_case(turn.session, case_asked_about(turn) or 0)
    turn.say(turn.t(key, reference=case.reference if case else ""))


DIALOG = Dialog(
    name=NAME, steps={"question": on_question, "info": on_info}, reprompt=reprompt, button_prefix=""
)
