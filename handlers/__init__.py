"""Channel-agnostic conversation handlers, and the one table that routes to them."""

from __future__ import annotations

from handlers import checklist, numbers, officials, start
from handlers.context import RouteTable
from handlers.menu import show_menu


def route_table() -> RouteTable:
    return RouteTable(
        dialogs={dialog.name: dialog for dialog in (start.DIALOG, checklist.DIALOG, officials.DIALOG)},
        home=start.DIALOG.name,
        commands={
            "start": start.start,
            "menu": show_menu,
            "batal": start.cancel,
            "cancel": start.cancel,
            "bantuan": start.show_help,
            "help": start.show_help,
            "bahasa": start.ask_language,
            "language": start.ask_language,
            "cek": checklist.begin,
            "check": checklist.begin,
            "nomor": numbers.show,
            "numbers": numbers.show,
            "undang": officials.invite,
            "invite": officials.invite,
            "daftar": officials.register,
            "register": officials.register,
        },
        buttons={"lang": start.choose_language, "privacy": start.accept_privacy, "menu": start.menu_choice},
        keywords={
            "keywords.menu": show_menu,
            "keywords.cancel": start.cancel,
            "keywords.help": start.show_help,
        },
        gate=start.onboarding_gate,
    )
