"""Check a job ad: the user pastes or forwards the ad (from the menu, or any long message outside
a form) and gets the risk, each danger sign with the ad's own words, what the ad says, and what
to do next. Only an anonymous record is kept (risk, signs, destination, date), never the text."""

from __future__ import annotations

from bot.messages import Button
from db import agencies, offer_checks
from db.regions import local_day
from handlers import numbers
from handlers.context import Dialog, Turn
from handlers.menu import HOME_DIALOG
from handlers.offer_analysis import analyse
from handlers.offer_report import chat_text, register_lines

NAME = "offer"
# Companies looked up in the register per ad (an ad rarely names more, and each is a query).
MAX_COMPANIES = 3
# A message at least this long, sent outside a form, is taken as an ad to check.
AD_MIN_CHARS = 80
AD_MIN_WORDS = 5


def looks_like_an_ad(text: str) -> bool:
    return len(text) >= AD_MIN_CHARS and len(text.split()) >= AD_MIN_WORDS


async def begin(turn: Turn) -> None:
    hint = f"\n\n{turn.t('pictures.hint')}" if turn.services.reads_pictures else ""
    turn.say(turn.t("offers.result.ask") + hint)
    turn.go(NAME, "paste")


async def on_paste(turn: Turn) -> None:
    text = turn.incoming.text.strip()
    if turn.incoming.kind != "text" or len(text.split()) < AD_MIN_WORDS:
        turn.say(turn.t("offers.result.too_short"))
        return
    await check(turn, text)


async def check(turn: Turn, text: str) -> None:
    t = turn.t
    analysis = analyse(text, turn.services.offers)
    await offer_checks.record(
        turn.session,
        risk=analysis.risk,
        score=analysis.score,
        signs=[found.code for found in analysis.signs],
        destination=analysis.entities.destination,
        region_code=turn.user.region_code,
        language=turn.user.language,
        day=local_day(turn.now, turn.user.region_code),
    )
    companies = analysis.entities.companies[:MAX_COMPANIES]
    register = register_lines(t, await agencies.look_up(turn.session, companies))
    advice = [
        *register,
        "",
        t("offers.result.next_steps"),
        "",
        t("numbers.title"),
        numbers.render(turn.services, t),
    ]
    turn.say(chat_text(t, analysis))
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


DIALOG = Dialog(name=NAME, steps={"paste": on_paste}, reprompt=begin)
