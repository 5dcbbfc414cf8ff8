"""Reporting a missing or at-risk migrant, or an early warning: consent, the form, summary, send."""

from __future__ import annotations

from datetime import timedelta

from db import cases, media, roles
from db.records import ConversationState
from db.regions import local_day
from ground.messages import Button
from handlers.access import official_village
from handlers.buttons import Choice
from handlers.cases.forwarding import send_case
from handlers.cases.messages import details_lines
from handlers.context import Dialog, Turn
from handlers.hotlines import dialog as numbers
from handlers.menu import show_menu
from handlers.regions.search import Place, village_choices
from handlers.regions.villages import find_villages, too_long
from handlers.reports import resume as report_resume
from handlers.reports.form import Field, Invalid, validate
from handlers.reports.state import ReportState
from handlers.seen_before import identifiers
from handlers.seen_before import sightings as seen_before
from handlers.spoken_dates import DateWords
from handlers.typed_answers import SkipWords

NAME = "report"
# What the report's buttons carry (handlers/buttons.py): a kind, a choice's answer, a village
# code, the field to edit.
KIND, ANSWER, VILLAGE, EDIT = Choice("rp:k"), Choice("rp:c"), Choice("rp:v"), Choice("rp:e")


# --- consent and kind -----------------------------------------------------------------------


async def begin(turn: Turn) -> None:
    """No personal data is asked before the user agreed to its purpose (UU PDP)."""
    # A report left unsent earlier is over: its photo goes (one unsent report per user).
    await media.drop_draft_photos(turn.session, turn.user.id)
    buttons = ((Button(turn.t("report.agree"), "rp:yes"), Button(turn.t("report.disagree"), "rp:no")),)
    turn.say(turn.t("report.consent", days=turn.services.retention_days), buttons)
    turn.go(NAME, "consent")


async def on_consent(turn: Turn) -> None:
    if turn.incoming.data == "rp:yes":
        await _ask_kind(turn)
    elif turn.incoming.data == "rp:no":
        local = await numbers.regional(turn)
        turn.say(f"{turn.t('report.no_consent')}\n\n{numbers.render(turn.services, turn.t, local)}")
        await show_menu(turn)
    else:
        turn.say(turn.t("report.use_buttons"))
        await begin(turn)


async def _ask_kind(turn: Turn) -> None:
    kinds = ("missing", "warning")
    text = "\n\n".join(
        [turn.t("report.choose_kind"), *(f"• {turn.t(f'report.kind_help.{k}')}" for k in kinds)]
    )
    rows = tuple((Button(turn.t(f"report.kind.{k}"), KIND.pack(k)),) for k in kinds)
    turn.say(text, (*rows, (Button(turn.t("report.cancel"), "rp:cancel"),)))
    turn.go(NAME, "kind", {"consented_at": turn.now.isoformat()})


async def on_kind(turn: Turn) -> None:
    kind = KIND.read(turn.incoming.data)
    if kind not in ("missing", "warning"):
        turn.say(turn.t("report.use_buttons"))
        await _ask_kind(turn)
        return
    fields = turn.services.report_form.for_kind(kind)
    ReportState.of(turn).begin(kind, fields[0].id)
    turn.go(NAME, "field", turn.state.data)
    await ask_field(turn)


# --- one field at a time --------------------------------------------------------------------


def _fields(turn: Turn) -> tuple[Field, ...]:
    return turn.services.report_form.for_kind(ReportState.of(turn).kind)


def _current(turn: Turn) -> Field:
    field = turn.services.report_form.field(ReportState.of(turn).current)
    assert field is not None
    return field


async def ask_field(turn: Turn, extra: str = "") -> None:
    field = _current(turn)
    ReportState.of(turn).current_type = field.type
    fields = _fields(turn)
    number = [f.id for f in fields].index(field.id) + 1
    text = (
        f"{turn.t('report.step', number=number, total=len(fields))}\n\n{turn.t(f'report.prompt.{field.id}')}"
    )
    rows: list[tuple[Button, ...]] = []
    if field.type == "choice":
        labels = [Button(turn.t(f"report.choice.{field.id}.{c}"), ANSWER.pack(c)) for c in field.choices]
        rows += [tuple(labels[i : i + 2]) for i in range(0, len(labels), 2)]
    if field.type == "village":
        text += f"\n{turn.t('report.village_prompt_hint')}"
        mine = await _my_village(turn)
        if mine is not None:
            # The village is named in the message: a name can have 44 characters, a label 20.
            text += f"\n{turn.t('report.village_mine_hint', village=mine.label)}"
            rows.append((Button(turn.t("report.village_mine"), VILLAGE.pack(mine.code)),))
    controls = [Button(turn.t("report.cancel"), "rp:cancel")]
    if not field.required_in(ReportState.of(turn).kind):
        controls.insert(0, Button(turn.t("report.skip"), "rp:skip"))
    rows.append(tuple(controls))
    turn.say(f"{extra}\n\n{text}" if extra else text, tuple(rows))


async def on_field(turn: Turn) -> None:
    field = _current(turn)
    incoming = turn.incoming
    data = incoming.data
    if data == "rp:cancel":
        await _cancel_or_ask(turn)
    elif data == "rp:skip" and not field.required_in(ReportState.of(turn).kind):
        await _answered(turn, None)
    elif incoming.kind == "text" and SkipWords.of(turn.services.content, "report.skip").means_skip(
        incoming.text
    ):
        # "lewati", "-", "ga tau namanya" typed: a skip, never the answer ("Tujuan: lewati").
        if field.required_in(ReportState.of(turn).kind):
            await ask_field(turn, turn.t("report.required"))
        else:
            await _answered(turn, None)
    elif field.type == "choice" and (answer := ANSWER.read(data)) in field.choices:
        await _answered(turn, answer)
    elif field.type == "village" and (code := VILLAGE.read(data)) is not None:
        await _village_chosen(turn, code)
    elif field.type == "village" and incoming.kind == "text":
        await _offer_villages(turn, incoming.text)
    elif field.type == "photo" and incoming.kind == "photo":
        await _answered(turn, await _keep_photo(turn), turn.t("report.photo_received"))
    elif field.type == "photo":
        await ask_field(turn, turn.t("report.not_a_photo"))
    elif incoming.kind == "text" and field.type not in ("choice", "village"):
        try:
            value = validate(field, incoming.text, turn.now.date(), DateWords.of(turn.services.content))
        except Invalid as problem:
            await ask_field(turn, turn.t(problem.key, **problem.params))
            return
        await _answered(turn, value)
    else:
        await ask_field(turn, turn.t("report.use_buttons"))


async def _keep_photo(turn: Turn) -> str:
    """The photo's reference for the case. Where the platform's ids expire (WhatsApp), the adapter
    downloaded the picture and Sigap keeps it, owned by this user's unsent report; a photo it
    replaces is deleted (least data)."""
    incoming = turn.incoming
    await media.drop_draft_photos(turn.session, turn.user.id)
    if not incoming.photo_data:
        return incoming.photo
    return await media.store_draft_photo(
        turn.session, turn.user.id, incoming.photo_data, incoming.photo_mime, turn.now
    )


async def _answered(turn: Turn, value: str | None, note: str = "") -> None:
    state = ReportState.of(turn)
    if value is None:
        if _current(turn).type == "photo":
            await media.drop_draft_photos(turn.session, turn.user.id)
        state.answers.pop(state.current, None)
    else:
        state.answers[state.current] = value
    ids = [f.id for f in _fields(turn)]
    position = ids.index(state.current)
    if state.editing or position + 1 == len(ids):
        await show_summary(turn, note)
        return
    state.current = ids[position + 1]
    await ask_field(turn, note)


async def _offer_villages(turn: Turn, typed: str) -> None:
    places = await find_villages(turn, typed, limit=5)
    if places is None:
        await ask_field(turn, too_long(turn))
        return
    if not places:
        await ask_field(turn, turn.t("report.village_not_found"))
        return
    listing, rows = village_choices(turn.t, places, VILLAGE)
    cancel = (Button(turn.t("report.cancel"), "rp:cancel"),)
    turn.say(f"{turn.t('report.village_choose')}\n{listing}", (*rows, cancel))


async def _village_chosen(turn: Turn, code: str) -> None:
    index = await turn.services.regions.index(turn.session)
    if index.get(code) is None:  # old or forged button
        await ask_field(turn, turn.t("report.village_not_found"))
        return
    await _answered(turn, code)


async def _my_village(turn: Turn) -> Place | None:
    village = official_village(await roles.active_roles(turn.session, turn.user.id))
    if village is None:
        return None
    return (await turn.services.regions.index(turn.session)).get(village)


# --- summary, edit, send --------------------------------------------------------------------


async def show_summary(turn: Turn, note: str = "") -> None:
    state = ReportState.of(turn)
    index = await turn.services.regions.index(turn.session)
    place = index.get(state.answers.get("home_village", ""))
    lines = details_lines(turn.t, turn.services.report_form, state.kind, state.answers, place)
    text = "\n".join(
        [
            turn.t("report.summary_title"),
            "",
            *lines,
            "",
            turn.t("report.summary_share", regency=place.regency if place else ""),
        ]
    )
    buttons = (
        (Button(turn.t("report.send"), "rp:send"),),
        (Button(turn.t("report.edit"), "rp:edit"), Button(turn.t("report.cancel"), "rp:cancel")),
    )
    turn.say(f"{note}\n\n{text}" if note else text, buttons)
    turn.go(NAME, "summary", state.data)


async def on_summary(turn: Turn) -> None:
    data = turn.incoming.data
    if data == "rp:send":
        await _send(turn)
    elif data == "rp:edit":
        rows = tuple((Button(turn.t(f"report.label.{f.id}"), EDIT.pack(f.id)),) for f in _fields(turn))
        turn.say(turn.t("report.choose_field"), rows)
    elif (field_id := EDIT.read(data)) in [f.id for f in _fields(turn)]:
        ReportState.of(turn).edit(field_id)
        turn.go(NAME, "field", turn.state.data)
        await ask_field(turn)
    elif data == "rp:cancel":
        await _cancel_or_ask(turn)
    else:
        await show_summary(turn, turn.t("report.use_buttons"))


async def _send(turn: Turn) -> None:
    """The case, its history and every forward are written in this one transaction (outbox)."""
    state = ReportState.of(turn)
    answers = dict(state.answers)
    village = answers.get("home_village")
    missing = [f.id for f in _fields(turn) if f.required_in(state.kind) and f.id not in answers]
    if village is None or missing:
        state.edit(missing[0] if missing else "home_village")
        turn.go(NAME, "field", state.data)
        await ask_field(turn, turn.t("report.required"))
        return
    photos = [f.id for f in _fields(turn) if f.type == "photo" and f.id in answers]
    for field_id in photos:  # a stored picture goes with the case only if this report uploaded it
        if media.is_stored(answers[field_id]) and not await media.is_draft_photo(
            turn.session, turn.user.id, answers[field_id]
        ):
            del answers[field_id]
    my_roles = await roles.active_roles(turn.session, turn.user.id)
    case = await cases.create_case(
        turn.session,
        kind=state.kind,
        village_code=village,
        reporter_user_id=turn.user.id,
        verified_source=official_village(my_roles) is not None,
        contact_allowed=answers.get("contact_allowed") == "yes",
        details={**answers, "consented_at": state.consented_at},
        now=turn.now,
        ack_deadline=turn.now + timedelta(hours=turn.services.ack_hours[state.kind]),
    )
    for field_id in photos:
        await media.give_draft_photo_to_case(turn.session, turn.user.id, answers.get(field_id, ""), case.id)
    await media.drop_draft_photos(turn.session, turn.user.id)
    await seen_before.remember(
        turn.session,
        turn.services.seen_keys,
        identifiers.in_report({k: v for k, v in answers.items() if isinstance(v, str)}),
        local_day(turn.now, case.regency_code),
        case.regency_code,
        None,
        case.id,
        known=turn.services.seen_filter,
    )
    level, recipients = await roles.case_recipients(turn.session, case.regency_code)
    turn.queued_messages += await send_case(
        turn.session, turn.services, case, recipients, "forward", turn.now
    )
    await cases.add_event(turn.session, case.id, "forwarded", None, f"{level}: {len(recipients)}", turn.now)
    turn.say(turn.t("report.sent", reference=case.reference))
    if level == "admin":
        turn.say(turn.t("report.sent_nobody"))
    elif level == "nobody":
        turn.say(turn.t("report.sent_unassigned"))
    local = await numbers.regional(turn, case.village_code)
    if local:  # the regency's own office, to call or visit in person
        place = (await turn.services.regions.index(turn.session)).get(case.village_code)
        heading = turn.t("report.sent_contacts", regency=place.regency if place else case.regency_code)
        turn.say(f"{heading}\n{numbers.render_contacts(turn.t, list(local))}")
    await show_menu(turn)


def has_answers(turn: Turn) -> bool:
    """The report holds something typed: cancelling it would throw that away."""
    return turn.state.dialog == NAME and bool(ReportState.of(turn).answers)


async def ask_cancel(turn: Turn) -> None:
    """Cancelling after the first answers is asked once more: a mistyped "2" or "batal" must not
    throw away a report."""
    state = ReportState.of(turn)
    if turn.state.step != "cancelling":
        state.remember_step(turn.state.step)
    buttons = (
        (Button(turn.t("report_cancel.yes"), "rp:drop"), Button(turn.t("report_cancel.no"), "rp:keep")),
    )
    turn.say(turn.t("report_cancel.question"), buttons)
    turn.go(NAME, "cancelling", state.data)


async def on_cancelling(turn: Turn) -> None:
    if turn.incoming.data == "rp:drop":
        await _cancel(turn)
        return
    if turn.incoming.data != "rp:keep":
        await ask_cancel(turn)
        return
    state = ReportState.of(turn)
    turn.go(NAME, state.take_step(), state.data)
    await reprompt(turn)


async def _cancel_or_ask(turn: Turn) -> None:
    if has_answers(turn):
        await ask_cancel(turn)
    else:
        await _cancel(turn)


async def _cancel(turn: Turn) -> None:
    """The unsent report's photos go with it; answers are never read as references to anything."""
    await media.drop_draft_photos(turn.session, turn.user.id)
    turn.say(turn.t("report.cancelled"))
    await show_menu(turn)


async def reprompt(turn: Turn) -> None:
    step = turn.state.step
    if step == "consent":
        await begin(turn)
    elif step == "kind":
        await _ask_kind(turn)
    elif step == "field":
        await ask_field(turn)
    elif step == "cancelling":
        await ask_cancel(turn)
    elif step == "resuming":
        report_resume.ask(turn)
    else:
        await show_summary(turn)


def _reads_text(state: ConversationState) -> bool:
    """Only a field that is not a choice is typed: elsewhere typed words must match a button."""
    return state.step == "field" and _field_type(state) != "choice"


def _asks_number(state: ConversationState) -> bool:
    return state.step == "field" and _field_type(state) in ("number", "date", "phone")


def _field_type(state: ConversationState) -> str:
    # The form is not at hand here; the field's type is kept with the state when it is asked.
    return ReportState(state.data).current_type


DIALOG = Dialog(
    name=NAME,
    steps={
        "consent": on_consent,
        "kind": on_kind,
        "field": on_field,
        "summary": on_summary,
        "cancelling": on_cancelling,
        "resuming": report_resume.on_resuming,
    },
    reprompt=reprompt,
    reads_text=_reads_text,
    asks_number=_asks_number,
    button_prefix="rp",
    accepts_photos=True,
    interrupts=report_resume.interrupts,
)
