"""Check a job ad: the user pastes or forwards the ad (from the menu, or any message outside a form
that reads like a job ad, however short or long) and gets the risk, each danger sign with the ad's
own words, what the ad says, and what to do next. Only an anonymous record is kept (risk, signs,
destination, date), never the text."""

from __future__ import annotations

from db import agencies, offer_checks
from db.regions import local_day
from ground.messages import Button
from handlers.access import my_task_force_roles
from handlers.context import Dialog, Turn
from handlers.hotlines import dialog as numbers
from handlers.menu import HOME_DIALOG
from handlers.offers.analysis import analyse, reads_like_an_ad
from handlers.offers.report import chat_text, register_lines
from handlers.offers.rules import OfferRules
from handlers.seen_before import sightings as seen_before

NAME = "offer"
# Pasted after "check an ad", a text of this many words is checked even if it does not read like
# a job ad (the user said it is one); fewer, and it is too short to say anything.
AD_MIN_WORDS = 5


def looks_like_an_ad(text: str, rules: OfferRules) -> bool:
    """A message sent outside a form that reads like a job ad ("Loker Kamboja gaji 15jt, WA ...")."""
    return bool(text.strip()) and reads_like_an_ad(analyse(text, rules))


async def begin(turn: Turn) -> None:
    hint = f"\n\n{turn.t('pictures.hint')}" if turn.services.reads_pictures else ""
    turn.say(turn.t("offers.result.ask") + hint)
    turn.go(NAME, "paste")


async def on_paste(turn: Turn) -> None:
    text = turn.incoming.text.strip()
    if turn.incoming.kind != "text" or (
        len(text.split()) < AD_MIN_WORDS and not looks_like_an_ad(text, turn.services.offers)
    ):
        turn.say(turn.t("offers.result.too_short"))
        return
    await check(turn, text)


async def check(turn: Turn, text: str) -> None:
    t = turn.t
    register = await agencies.load_register(turn.session)
    checked = await seen_before.check(
        turn.session, turn.services.seen_keys, text, analyse(text, turn.services.offers, register)
    )
    analysis = checked.analysis
    day = local_day(turn.now, turn.user.region_code)
    await offer_checks.record(
        turn.session,
        risk=analysis.risk,
        score=analysis.score,
        signs=[found.code for found in analysis.signs],
        destination=analysis.entities.destination,
        region_code=turn.user.region_code,
        language=turn.user.language,
        day=day,
    )
    regency = turn.user.region_code[:5] if turn.user.region_code else None
    await seen_before.remember(
        turn.session, turn.services.seen_keys, checked.identifiers, day, regency, analysis.risk
    )
    advice = [
        *register_lines(t, analysis.register),
        "",
        t("offers.result.next_steps"),
        "",
        t("numbers.title"),
        numbers.render(turn.services, t, await numbers.regional(turn)),
    ]
    task_force = bool(await my_task_force_roles(turn)) if checked.matches else False
    turn.say(chat_text(t, analysis) + "\n".join(seen_before.lines(t, checked, exact=task_force)))
    turn.say(
        "\n".join(advice),
        (
            (Button(t("offers.result.start_checklist"), "menu:check"),),
            (Button(t("offers.result.report_warning"), "menu:report"),),
            (
                Button(t("offers.result.check_another"), "menu:ad"),
                Button(t("menu.back_to_menu"), "menu:main"),
            ),
        ),
    )
    turn.go(HOME_DIALOG, "idle")


DIALOG = Dialog(name=NAME, steps={"paste": on_paste}, reprompt=begin, accepts_long_text=True)
