"""/dataku shows a user everything Sigap holds about them; /hapus deletes it, after saying what
happens to reports they filed (UU PDP: the rights of access and erasure)."""

from __future__ import annotations

from db import cases, personal_data
from ground.messages import SHORT_TEXT_LIMIT, Button, pack, text_length
from handlers.cases.messages import details_lines
from handlers.context import Turn
from handlers.menu import HOME_DIALOG, show_menu


async def show(turn: Turn) -> None:
    t = turn.t
    data = await personal_data.gather(turn.session, turn.user.id)
    index = await turn.services.regions.index(turn.session)

    def place(code: str | None) -> str:
        found = index.get(code) if code else None
        return found.label if found else (code or t("mydata.none"))

    consent = (
        t("mydata.consent", version=data.privacy_version, date=f"{data.privacy_seen_at:%d-%m-%Y}")
        if data.privacy_version and data.privacy_seen_at
        else t("mydata.none")
    )
    header = [
        t("mydata.title"),
        "",
        t("mydata.account", channel=data.channel, id=data.external_id, date=f"{data.created_at:%d-%m-%Y}"),
        t("mydata.language", value=t("language.name")),
        t("mydata.privacy", value=consent),
        t(
            "mydata.subscription",
            value=place(data.subscription[0]) if data.subscription else t("mydata.none"),
        ),
    ]
    if data.roles:
        roles = ", ".join(
            f"{t(f'mydata.role.{role}')} ({place(region) if region else '-'})" for role, region in data.roles
        )
        header.append(t("mydata.roles", value=roles))
    header += ["", t("mydata.reports", count=len(data.reports))]
    blocks = ["\n".join(header)]
    notes = await cases.notes_of(turn.session, [case.id for case in data.reports])
    for case in data.reports:
        heading = f"{case.reference} · {t(f'cases.status.{case.status}')} · {case.created_at:%d-%m-%Y}"
        details = details_lines(
            t, turn.services.report_form, case.kind, case.details, index.get(case.village_code)
        )
        # What they added later is theirs too (the task force's own notes are not shown here).
        added = [
            t("mydata.added_later", date=f"{event.at:%d-%m-%Y}", note=event.note)
            for event in notes[case.id]
            if event.action == "info_added" and event.actor_user_id == turn.user.id and event.note
        ]
        blocks.append("\n".join([heading, *details, *added]))
    footer = t("mydata.anonymous")
    buttons = ((Button(t("mydata.erase_button"), "dx:ask"),), (Button(t("menu.back_to_menu"), "menu:main"),))
    whole = "\n\n".join([*blocks, footer])
    if text_length(whole) <= SHORT_TEXT_LIMIT:  # fits one message with buttons on every channel
        turn.say(whole, buttons)
        return
    # Many reports: as many messages as needed, each within every channel's limit, reports kept
    # whole; the buttons come with the last, short one.
    for message in pack(blocks):
        turn.say(message)
    turn.say(footer, buttons)


async def ask_erase(turn: Turn) -> None:
    reports = len((await personal_data.gather(turn.session, turn.user.id)).reports)
    turn.say(
        turn.t("mydata.erase_explained", count=reports)
        if reports
        else turn.t("mydata.erase_explained_no_reports"),
        ((Button(turn.t("mydata.erase_confirm"), "dx:yes"),), (Button(turn.t("mydata.keep"), "menu:main"),)),
    )


async def on_button(turn: Turn) -> None:
    """dx:ask | dx:yes (global: the question stays in the chat)."""
    if turn.incoming.data == "dx:yes":
        detached = await personal_data.erase(turn.session, turn.user.id, turn.now)
        # "0 reports stay with the task force" would alarm someone who never reported.
        turn.say(turn.t("mydata.erased", count=detached) if detached else turn.t("mydata.erased_no_reports"))
        turn.go(HOME_DIALOG, "idle")
    elif turn.incoming.data == "dx:ask":
        await ask_erase(turn)
    else:
        await show_menu(turn)
