"""Village officials join through a coordinator: /undang makes a one-time code, /daftar redeems it."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from db import queries, roles, subscriptions
from db.roles import Role
from handlers.access import may_invite_official, task_force_roles
from handlers.buttons import Choice
from handlers.cases.dialog import record_refusal
from handlers.context import Dialog, Turn
from handlers.menu import show_menu
from handlers.regions.search import village_choices
from handlers.regions.villages import find_villages, too_long

NAME = "officials"
INVITE_VILLAGE = Choice("inv")  # the village an official is invited for
# No 0/O or 1/I: codes are read aloud and copied by hand.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
INVITE_VALID_FOR = timedelta(hours=72)
# Guessing: codes are 8 of 32 characters (about 10^12), and after 5 wrong codes in a row /daftar is
# refused for an hour, so guessing one of a few open codes would take longer than they live.
INVITE_TRIES = 5
INVITE_LOCKOUT = timedelta(hours=1)

log = logging.getLogger(__name__)


def new_invite_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def invite(turn: Turn) -> None:
    """/undang [village]: coordinators only, for villages in their own region."""
    my_roles = await roles.active_roles(turn.session, turn.user.id)
    if not task_force_roles(my_roles):
        turn.say(turn.t("officials.not_coordinator"))
        await show_menu(turn)
        return
    query = turn.incoming.command_argument
    if not query:
        turn.say(turn.t("officials.ask_village"))
        turn.go(NAME, "village")
        return
    await _offer_villages(turn, query)


async def on_village_typed(turn: Turn) -> None:
    if turn.incoming.kind == "button":  # an unknown code is refused there, like a forged one
        await _create_invite(turn, INVITE_VILLAGE.read(turn.incoming.data) or "")
    else:
        await _offer_villages(turn, turn.incoming.text)


async def _offer_villages(turn: Turn, query: str) -> None:
    my_roles = await roles.active_roles(turn.session, turn.user.id)
    found = await find_villages(turn, query, limit=20)
    if found is None:
        turn.say(too_long(turn))
        turn.go(NAME, "village")
        return
    places = [p for p in found if may_invite_official(my_roles, p.code)][:5]
    if not places:
        turn.say(turn.t("officials.no_village_in_region"))
        turn.go(NAME, "village")
        return
    listing, rows = village_choices(turn.t, places, INVITE_VILLAGE)
    turn.say(f"{turn.t('officials.choose_village')}\n{listing}", rows)
    turn.go(NAME, "village")


async def _create_invite(turn: Turn, village_code: str) -> None:
    # The button says which village; whether this user may invite there is decided here, again.
    my_roles = await roles.active_roles(turn.session, turn.user.id)
    index = await turn.services.regions.index(turn.session)
    place = index.get(village_code)
    if place is None or not may_invite_official(my_roles, village_code):
        turn.say(turn.t("officials.not_allowed"))
        await record_refusal(turn, "refused_invite")
        await show_menu(turn)
        return
    code = new_invite_code()
    expires = turn.now + INVITE_VALID_FOR
    await roles.create_invite(
        turn.session,
        code,
        Role.OFFICIAL,
        village_code,
        f"{turn.user.channel}:{turn.user.external_id}",
        turn.now,
        expires,
    )
    turn.say(turn.t("officials.invite_created", code=code, village=place.label, hours=72))
    await show_menu(turn)


async def register(turn: Turn) -> None:
    """/daftar CODE: become the official of the invite's village."""
    code = turn.incoming.command_argument.strip().upper().replace("-", "").replace(" ", "")
    if not code:
        turn.say(turn.t("officials.daftar_usage"))
        await show_menu(turn)
        return
    blocked_until = await queries.invite_blocked_until(turn.session, turn.user.id)
    if blocked_until is not None and blocked_until > turn.now:
        turn.say(turn.t("officials.invite_locked"))
        await show_menu(turn)
        return
    record, problem = await roles.redeem_invite(turn.session, code, turn.user.id, turn.now)
    if record is None or record.region_code is None:
        turn.say(turn.t(f"officials.invite_{problem or 'unknown'}"))
        if problem in (None, "unknown") and await queries.record_invite_failure(
            turn.session, turn.user.id, turn.now, INVITE_TRIES, INVITE_LOCKOUT
        ):
            log.warning("invite codes guessed %d times in a row: /daftar locked for one user", INVITE_TRIES)
    else:
        await queries.clear_invite_failures(turn.session, turn.user.id)
        await subscriptions.set_home_village(turn.session, turn.user.id, record.region_code)
        index = await turn.services.regions.index(turn.session)
        place = index.get(record.region_code)
        turn.say(turn.t("officials.registered", village=place.label if place else record.region_code))
    await show_menu(turn)


async def reprompt(turn: Turn) -> None:
    turn.say(turn.t("officials.ask_village"))


DIALOG = Dialog(name=NAME, steps={"village": on_village_typed}, reprompt=reprompt, button_prefix="inv")
