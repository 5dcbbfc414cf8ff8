"""Onboarding and the main menu: /start, choice of language, privacy notice, menu, help, cancel."""

from __future__ import annotations

from db import queries
from db import subscriptions as subscriptions_db
from ground.messages import Button
from handlers import typed_answers
from handlers.broadcasts import subscriptions
from handlers.buttons import Choice, prefix_of
from handlers.checklist import dialog as checklist
from handlers.context import Dialog, Step, Turn
from handlers.hotlines import dialog as numbers
from handlers.menu import HOME_DIALOG, MENU, show_menu
from handlers.menu import ITEMS as MENU_ITEMS
from handlers.offers import dialog as offer_text
from handlers.reports import dialog as report
from handlers.typed_answers import Vocabulary, phrases

NAME = HOME_DIALOG
LANGUAGE = Choice("lang")  # a language, offered in its own name


async def start(turn: Turn) -> None:
    if not turn.user.language_chosen:
        turn.say(turn.t("start.welcome"))
        await ask_language(turn)
    elif turn.user.privacy_version != turn.services.privacy_version:
        await show_privacy_notice(turn)
    elif turn.state.dialog != NAME and turn.ask_again is not None:
        # Someone coming back (new phone session, bot restarted) continues where they were, in
        # whichever conversation (a report's draft, the checklist): its state is in the database.
        turn.say(turn.t("start.resume"))
        await turn.ask_again(turn)
    else:
        turn.say(turn.t("start.welcome_back"))
        await show_menu(turn)


async def onboarding_gate(turn: Turn) -> bool:
    """Until a user has chosen a language and seen the privacy notice, everything leads there."""
    incoming = turn.incoming
    # A case button (on a forwarded case, or a WhatsApp template's quick reply) opens the case even
    # before onboarding: coordinators granted by an operator may tap it first. The role decides.
    if incoming.kind == "button" and prefix_of(incoming.data) in ("lang", "privacy", "cs"):
        return False
    if not turn.user.language_chosen:
        turn.say(turn.t("start.welcome"))
        await ask_language(turn)
        return True
    if turn.user.privacy_version != turn.services.privacy_version:
        await show_privacy_notice(turn)
        return True
    return False


async def ask_language(turn: Turn) -> None:
    content = turn.services.content
    # Each language is offered in its own name, so a user who can't read the current one finds theirs.
    row = tuple(
        Button(content.texts(lang)("language.name"), LANGUAGE.pack(lang)) for lang in content.languages
    )
    turn.say(turn.t("start.choose_language"), (row,))
    turn.go(NAME, "language")


async def choose_language(turn: Turn) -> None:
    language = LANGUAGE.read(turn.incoming.data)
    if language not in turn.services.content.languages:
        await ask_language(turn)
        return
    await queries.set_language(turn.session, turn.user.id, language)
    await subscriptions_db.follow_language(turn.session, turn.user.id, language)
    turn.use_language(language)
    if turn.user.privacy_version != turn.services.privacy_version:
        await show_privacy_notice(turn)
    elif turn.state.dialog != NAME and turn.ask_again is not None:
        # An old language button pressed mid-checklist or mid-report: the conversation goes
        # on, in the new language.
        turn.say(turn.t("start.language_set"))
        await turn.ask_again(turn)
    else:
        turn.say(turn.t("start.language_set"))
        await show_menu(turn)


async def show_privacy_notice(turn: Turn) -> None:
    turn.say(turn.t("privacy.notice"), ((Button(turn.t("privacy.ok"), "privacy:ok"),),))
    turn.go(NAME, "privacy")


async def accept_privacy(turn: Turn) -> None:
    await queries.record_privacy_notice_seen(
        turn.session, turn.user.id, turn.services.privacy_version, turn.now
    )
    turn.say(turn.t("privacy.thanks"))
    await subscriptions.offer(turn)
    turn.go(NAME, "idle")


async def menu_choice(turn: Turn) -> None:
    item = MENU.read(turn.incoming.data)
    step = MENU_STEPS.get(item) if item else None
    if step is None:
        turn.say(turn.t("errors.stale_button"))
        await show_menu(turn)
    else:
        await step(turn)


async def show_help(turn: Turn) -> None:
    turn.say(turn.t("help.text"))
    await show_menu(turn)


async def cancel(turn: Turn) -> None:
    if report.has_answers(turn) and turn.state.step != "cancelling":
        await report.ask_cancel(turn)
        return
    if turn.state.dialog != NAME or turn.state.step != "idle":
        turn.say(turn.t("menu.cancelled"))
    await show_menu(turn)


async def idle_input(turn: Turn) -> None:
    text = turn.incoming.text.strip()
    if turn.incoming.kind == "text" and offer_text.looks_like_an_ad(text, turn.services.offers):
        await offer_text.check(turn, text)  # a pasted or forwarded job ad
        return
    # At the menu its items can always be typed ("lapor", "cek"), whatever was asked last.
    items = [(MENU.pack(item), turn.t(f"menu.{item}")) for item in MENU_ITEMS]
    chosen = typed_answers.pressed(turn.services.content, items, text, whole=True)
    item = MENU.read(chosen) if chosen else None
    step = MENU_STEPS.get(item) if item else None
    if step is not None:
        await step(turn)
        return
    turn.say(turn.t(_answer_at_the_menu(turn, text)))
    await show_menu(turn)


def _answer_at_the_menu(turn: Turn, text: str) -> str:
    """What to say before the menu to a message typed at it: "anak saya hilang" is pointed to the
    report, a greeting ("halo", "p", "assalamualaikum") is greeted back, anything else is not
    understood."""
    content = turn.services.content
    vocabulary = Vocabulary.of({kind: phrases(content, f"keywords.{kind}") for kind in MENU_ANSWERS})
    found = vocabulary.answers_in(text)
    # The first kind found, in this order: someone missing matters more than a greeting.
    return next((key for kind, key in MENU_ANSWERS.items() if kind in found), "menu.not_understood")


# Words typed at the menu (content/<lang>/texts.toml [keywords]) and what is said to them.
MENU_ANSWERS = {"missing": "menu.sounds_missing", "salam": "menu.salam", "greeting": "menu.greeting"}


MENU_STEPS: dict[str, Step] = {
    "check": checklist.begin,
    "ad": offer_text.begin,
    "report": report.begin,
    "numbers": numbers.show,
    "subscribe": subscriptions.begin,
    "help": show_help,
    "language": ask_language,
    "main": show_menu,
}

REPROMPTS: dict[str, Step] = {"language": ask_language, "privacy": show_privacy_notice, "idle": show_menu}


async def reprompt(turn: Turn) -> None:
    await REPROMPTS.get(turn.state.step, show_menu)(turn)


DIALOG = Dialog(
    name=NAME,
    steps={"language": reprompt, "privacy": reprompt, "idle": idle_input},
    reprompt=reprompt,
    reads_text=lambda state: state.step == "idle",
    accepts_long_text=True,  # a long job ad pasted at the menu is checked, not refused
)
