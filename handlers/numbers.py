"""Important numbers: the regency's own contacts from config, then national hotlines from content/."""

from __future__ import annotations

from bot.i18n import Texts
from bot.messages import Button
from handlers.context import Contact, Services, Turn


def contacts(services: Services, t: Texts) -> list[Contact]:
    national = [
        Contact(
            name=t(f"hotlines.{entry['key']}.name"),
            when=t(f"hotlines.{entry['key']}.when"),
            phone=entry.get("phone", ""),
            phone_abroad=entry.get("phone_abroad", ""),
            whatsapp=entry.get("whatsapp", ""),
            sms=entry.get("sms", ""),
            web=entry.get("web", ""),
        )
        for entry in services.content.data("hotlines").get("hotlines", [])
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
            ("", contact.web),
            ("", contact.when),
        )
        lines = [f"• {contact.name}", *(f"  {label}{value}" for label, value in fields if value)]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


async def show(turn: Turn) -> None:
    turn.say(
        f"{turn.t('numbers.title')}\n\n{render(turn.services, turn.t)}",
        ((Button(turn.t("menu.back_to_menu"), "menu:main"),),),
    )
