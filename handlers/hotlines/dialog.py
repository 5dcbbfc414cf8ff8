"""Important numbers: the user's regency's own contacts (`sigap contacts import`), those from
config, then the confirmed national hotlines."""

from __future__ import annotations

from db.contacts import contacts_of
from ground.i18n import Texts
from ground.messages import Button
from handlers.context import Contact, Services, Turn
from handlers.hotlines import national as hotlines


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


async def regional(turn: Turn, region_code: str | None = None) -> tuple[Contact, ...]:
    """The contacts of the regency of region_code (default: the user's home village), if any."""
    code = region_code or turn.user.region_code
    if not code or len(code) < 5:
        return ()
    return tuple(
        Contact(
            name=row.office,
            when=row.hours or "",
            phone=row.phone or "",
            whatsapp=row.whatsapp or "",
            as_of=row.as_of,
        )
        for row in await contacts_of(turn.session, code[:5])
    )


def render(services: Services, t: Texts, regional: tuple[Contact, ...] = ()) -> str:
    """The regency's contacts first (each "as of" the day it was confirmed), then the others."""
    return render_contacts(t, [*regional, *contacts(services, t)])


def render_contacts(t: Texts, shown: list[Contact]) -> str:
    blocks = []
    for contact in shown:
        fields = (
            (f"{t('numbers.phone')}: ", contact.phone),
            (f"{t('numbers.phone_abroad')}: ", contact.phone_abroad),
            ("WhatsApp: ", contact.whatsapp),
            ("SMS: ", contact.sms),
            (f"{t('numbers.app')}: ", contact.app),
            ("", contact.web),
            ("", contact.when),
            ("", t("numbers.as_of", date=f"{contact.as_of:%d-%m-%Y}") if contact.as_of else ""),
        )
        lines = [f"• {contact.name}", *(f"  {label}{value}" for label, value in fields if value)]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


async def show(turn: Turn) -> None:
    # The short last paragraph goes with the button; on WhatsApp the list itself is a text before it.
    turn.say(
        f"{turn.t('numbers.title')}\n\n{render(turn.services, turn.t, await regional(turn))}"
        f"\n\n{turn.t('numbers.save')}",
        ((Button(turn.t("menu.back_to_menu"), "menu:main"),),),
    )
