"""Awareness messages: subscribe for one's village (in one's language), change it, or stop at once."""

from __future__ import annotations

from db import subscriptions
from ground.messages import Button
from handlers.buttons import Choice
from handlers.context import Dialog, Turn
from handlers.menu import HOME_DIALOG, show_menu
from handlers.offers import dialog as offer_text
from handlers.regions.search import village_choices
from handlers.regions.villages import find_villages, too_long

NAME = "subscriptions"
VILLAGE = Choice("sb:v")  # the village whose broadcasts to follow


async def offer(turn: Turn) -> None:
    """Right after onboarding: one tap to opt in, one to leave it for later."""
    buttons = (
        (Button(turn.t("subscriptions.yes"), "sb:start"), Button(turn.t("subscriptions.later"), "menu:main")),
    )
    turn.say(turn.t("subscriptions.offer"), buttons)


async def begin(turn: Turn) -> None:
    current = await subscriptions.subscription_of(turn.session, turn.user.id)
    if current is not None and current.active:
        place = (await turn.services.regions.index(turn.session)).get(current.region_code)
        buttons = (
            (
                Button(turn.t("subscriptions.change"), "sb:change"),
                Button(turn.t("subscriptions.stop"), "sb:stop"),
            ),
            (Button(turn.t("menu.back_to_menu"), "menu:main"),),
        )
        turn.say(turn.t("subscriptions.status", place=place.label if place else current.region_code), buttons)
        return
    await _ask_village(turn)


async def _ask_village(turn: Turn) -> None:
    turn.say(turn.t("subscriptions.ask_village"), ((Button(turn.t("report.cancel"), "menu:main"),),))
    turn.go(NAME, "village")


async def on_button(turn: Turn) -> None:
    """sb:start | sb:change | sb:stop | sb:v:<village code> (global: offers stay in the chat)."""
    data = turn.incoming.data
    if data in ("sb:start", "sb:change"):
        await _ask_village(turn)
    elif data == "sb:stop":
        await stop(turn)
    elif (code := VILLAGE.read(data)) is not None:
        await _subscribe(turn, code)
    else:
        await begin(turn)


async def on_village_typed(turn: Turn) -> None:
    typed = turn.incoming.text if turn.incoming.kind == "text" else ""
    # Right after onboarding the bot asks for a village, but the villager came to check an ad and
    # pastes it: check it (that ends the sign-up) rather than call it a village name too long.
    if offer_text.looks_like_an_ad(typed, turn.services.offers):
        await offer_text.check(turn, typed.strip())
        return
    places = await find_villages(turn, typed, limit=5)
    if places is None:
        turn.say(too_long(turn))
        return
    if not places:
        turn.say(turn.t("report.village_not_found"))
        return
    listing, rows = village_choices(turn.t, places, VILLAGE)
    cancel = (Button(turn.t("report.cancel"), "menu:main"),)
    turn.say(f"{turn.t('report.village_choose')}\n{listing}", (*rows, cancel))


async def _subscribe(turn: Turn, code: str) -> None:
    place = (await turn.services.regions.index(turn.session)).get(code)
    if place is None:
        await _ask_village(turn)
        return
    await subscriptions.subscribe(turn.session, turn.user.id, code, turn.t.language, turn.now)
    turn.say(turn.t("subscriptions.subscribed", place=place.label))
    await show_menu(turn)


async def stop(turn: Turn) -> None:
    """/berhenti, "stop", "berhenti": honoured from anywhere, at once. Typed in the middle of a
    conversation (the checklist, a report), that conversation goes on: its question is asked
    again ("batal" ends it)."""
    stopped = await subscriptions.unsubscribe(turn.session, turn.user.id, turn.now)
    turn.say(turn.t("subscriptions.stopped" if stopped else "subscriptions.not_subscribed"))
    if turn.state.dialog not in (HOME_DIALOG, NAME) and turn.ask_again is not None:
        await turn.ask_again(turn)
    else:
        await show_menu(turn)


async def reprompt(turn: Turn) -> None:
    await _ask_village(turn)


DIALOG = Dialog(
    name=NAME,
    steps={"village": on_village_typed},
    reprompt=reprompt,
    button_prefix="sb",
    accepts_long_text=True,  # a long job ad pasted here is checked; a long village name is refused
)
