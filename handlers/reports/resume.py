"""Coming back to a report not sent yet: "continue it, or start over?" (issue 18).

An unsent report is kept with the user's conversation (db/queries.save_state), across restarts.
Someone who comes back to it after a pause (`Services.resume_offer_minutes` since its last
answer), or who presses /start, the menu or one of its buttons while it holds answers, is asked
first, instead of it being picked up silently or silently thrown away. The message that brought
the question is kept in the state until the answer: "continue" answers the report's open
question with it (a typed answer after a pause) or just asks that question again; "start over"
drops the report and then does what the message asked (the menu item), or begins a new report.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from db import media
from ground.i18n import Content
from ground.messages import Button, Incoming
from handlers.buttons import prefix_of
from handlers.context import Turn
from handlers.reports.state import ReportState

# What is kept of the message that brought the question: enough to handle it again.
_KEPT_FIELDS = ("kind", "text", "data")
# /batal asks its own question ("cancel this report?"), /berhenti only stops the awareness
# messages, and /dataku, /hapus, /nomor, /calo show something with a button back: none of them
# leaves the report. Every other command opens something else.
_COMMANDS_THAT_STAY = frozenset(
    {"batal", "cancel", "berhenti", "stop", "dataku", "mydata", "hapus", "delete", "nomor", "numbers", "calo"}
)
_BUTTONS_THAT_LEAVE = frozenset({"menu", "sb"})
_WORDS_THAT_LEAVE = ("keywords.menu", "keywords.ad", "keywords.help")


def _answers(turn: Turn) -> int:
    return len(ReportState.of(turn).answers)


def _leaves(content: Content, incoming: Incoming) -> bool:
    """The message would take the user out of the report: /start and the other commands that open
    something else, a menu button, the awareness offer's button, or the words for the menu."""
    if incoming.kind == "command":
        return incoming.command not in _COMMANDS_THAT_STAY
    if incoming.kind == "button":
        return prefix_of(incoming.data) in _BUTTONS_THAT_LEAVE
    if incoming.kind == "text":
        word = incoming.text.strip().lower()
        return any(
            word in content.texts(language).words(key)
            for language in content.languages
            for key in _WORDS_THAT_LEAVE
        )
    return False


def _paused(turn: Turn) -> bool:
    """Words typed long after the report's last answer may not be meant for it ("halo"); a button
    of the report pressed then, or a photo sent, plainly is."""
    if turn.incoming.kind != "text":
        return False
    touched = ReportState.of(turn).touched_at
    if touched is None:
        return False
    pause = timedelta(minutes=turn.services.resume_offer_minutes)
    return turn.now - datetime.fromisoformat(touched) >= pause


async def interrupts(turn: Turn) -> bool:
    """The report dialogue's Dialog.interrupts: asks "continue or start over?" when the message
    would leave a report holding answers, or comes after a long pause; otherwise notes the time of
    this message (the pause is counted from it) and lets the report handle it."""
    state = ReportState.of(turn)
    leaves = _leaves(turn.services.content, turn.incoming)
    if turn.state.step == "resuming":
        if leaves:  # not before the question is answered: it holds what was typed
            ask(turn)
        return leaves
    # "Cancel this report?" is its own question; a report with no answers has nothing to lose.
    if turn.state.step == "cancelling" or not _answers(turn):
        state.touched_at = turn.now.isoformat()
        return False
    if not (leaves or _paused(turn)):
        state.touched_at = turn.now.isoformat()
        return False
    state.hold(
        {name: getattr(turn.incoming, name) for name in _KEPT_FIELDS},
        [list(pair) for pair in turn.state.prompt or []],
    )
    state.remember_step(turn.state.step)
    ask(turn)
    return True


def ask(turn: Turn) -> None:
    buttons = (
        (
            Button(turn.t("report_resume.continue"), "rp:resume"),
            Button(turn.t("report_resume.fresh"), "rp:fresh"),
        ),
    )
    turn.say(turn.t("report_resume.question", answers=_answers(turn)), buttons)
    turn.go("report", "resuming", turn.state.data)


async def on_resuming(turn: Turn) -> None:
    """The "resuming" step of the report dialogue."""
    choice = turn.incoming.data
    if choice not in ("rp:resume", "rp:fresh"):
        ask(turn)
        return
    state = ReportState.of(turn)
    kept, prompt = state.take_held()
    held = kept or {"kind": "command", "text": "/start", "data": ""}
    step = state.take_step()
    assert turn.route_again is not None
    if choice == "rp:resume":
        state.touched_at = turn.now.isoformat()
        turn.go("report", step, state.data)
        turn.state.prompt = [(str(pair[0]), str(pair[1])) for pair in prompt] or None
        turn.say(turn.t("report_resume.continued"))
        if held["kind"] == "text" and not _left_with(turn, held) and not _greeting(turn, held["text"]):
            # An answer typed after a pause: it answers the report's open question.
            turn.incoming = replace(turn.incoming, kind="text", text=held["text"], data="")
            await turn.route_again(turn)
        else:
            assert turn.ask_again is not None
            await turn.ask_again(turn)
        return
    await media.drop_draft_photos(turn.session, turn.user.id)
    turn.say(turn.t("report_resume.dropped"))
    turn.go("start", "idle")
    if _left_with(turn, held):
        # What the message asked for: the menu, a menu item, /start.
        turn.incoming = replace(turn.incoming, kind=held["kind"], text=held["text"], data=held["data"])  # type: ignore[arg-type]
    else:
        turn.incoming = replace(turn.incoming, kind="button", text="", data="menu:report")
    await turn.route_again(turn)


def _left_with(turn: Turn, held: dict[str, str]) -> bool:
    """The held message was one that leaves the report (rather than an answer to it)."""
    return _leaves(turn.services.content, replace(turn.incoming, **held))  # type: ignore[arg-type]


def _greeting(turn: Turn, text: str) -> bool:
    """ "halo", "assalamualaikum": what someone coming back says first, not an answer."""
    content = turn.services.content
    word = text.strip().lower()
    return any(
        word in content.texts(language).words(key)
        for language in content.languages
        for key in ("keywords.greeting", "keywords.salam")
    )
