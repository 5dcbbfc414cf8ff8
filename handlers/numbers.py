"""Important numbers: the regency's own contacts from config, then the confirmed national hotlines."""

from __future__ import annotations

from bot.i18n import Texts
from bot.messages import Button
from handlers import hotlines
from handlers.context import Contact, Services, Turn


def contacts(services: Services, t: Texts) -> list[Contact]:
    national = [
        Contact(
            name=t(f"hotlines.{hotline.key}.name"),
            when=t(f"hotlines.{hotline.key}.when"),
            phone=hotline.phone,
            phone_abroad=hotline.phone_abroad,
            whatsapp=hotline.whatsapp,
            sms=hotline.sms,
            web=hotline.web,
            app=hotline.app,
        )
        # Unconfirmed numbers stay in content/ for `sigap hotlines`, but a wrong number is worse
        # than none: users never see them.
        for hotline in hotlines.confirmed(services.content)
    ]
    return [*services.local_contacts, *national]


def render(services: Services, t: Texts) -> str:
    blocks = []
    for contact in contacts(services, t):
        fields = (
            (f"{t('numbers.phone')}: ", contact.phone),
            (f"{t('numbers.phone_abroad')}: ", contact.phone_abroad),
            ("WhatsApp: ", contact.whatsapp),
            ("SMS: ", contact.sms),
            (f"{t('numbers.app')}: ", contact.app),
            ("", contact.web),
            ("", contact.when),
        )
        lines = [f"• {contact.name}", *(f"  {label}{value}" for label, value in fields if value)]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


async def show(turn: Turn) -> None:
    # The short last paragraph goes with the button; on WhatsApp the list itself is a text before it.
    turn.say(
        f"{turn.t('numbers.title')}\n\n{render(turn.services, turn.t)}\n\n{turn.t('numbers.save')}",
        ((Button(turn.t("menu.back_to_menu"), "menu:main"),),),
    )
