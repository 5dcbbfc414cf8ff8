"""Channel-agnostic conversation handlers, and the one table that routes to them."""

from __future__ import annotations

from handlers import my_data, start
from handlers.broadcasts import dialog as broadcasts
from handlers.broadcasts import subscriptions
from handlers.cases import dialog as cases
from handlers.cases import officials
from handlers.checklist import dialog as checklist
from handlers.context import RouteTable
from handlers.hotlines import dialog as numbers
from handlers.menu import show_menu
from handlers.offers import dialog as offer_text
from handlers.offers import picture as offer_picture
from handlers.reports import dialog as report
from handlers.seen_before import calo
from handlers.statistics import dialog as statistics_chat


def route_table() -> RouteTable:
    return RouteTable(
        dialogs={
            dialog.name: dialog
            for dialog in (
                start.DIALOG,
                checklist.DIALOG,
                offer_text.DIALOG,
                officials.DIALOG,
                report.DIALOG,
                cases.DIALOG,
                subscriptions.DIALOG,
                broadcasts.DIALOG,
            )
        },
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
            "iklan": offer_text.begin,
            "ad": offer_text.begin,
            "nomor": numbers.show,
            "numbers": numbers.show,
            "undang": officials.invite,
            "invite": officials.invite,
            "daftar": officials.register,
            "register": officials.register,
            "lapor": report.begin,
            "report": report.begin,
            "laporan": cases.my_reports,
            "myreports": cases.my_reports,
            "kasus": cases.list_cases,
            "cases": cases.list_cases,
            "calo": calo.show,
            "statistik": statistics_chat.begin,
            "stats": statistics_chat.begin,
            "siaran": broadcasts.overview,
            "broadcasts": broadcasts.overview,
            "siaga": subscriptions.begin,
            "subscribe": subscriptions.begin,
            "berhenti": subscriptions.stop,
            "stop": subscriptions.stop,
            "dataku": my_data.show,
            "mydata": my_data.show,
            "hapus": my_data.ask_erase,
            "delete": my_data.ask_erase,
        },
        buttons={
            "lang": start.choose_language,
            "privacy": start.accept_privacy,
            "menu": start.menu_choice,
            # Case buttons live on forwarded messages that stay in the chat: valid from any step.
            "cs": cases.on_coordinator_button,
            "my": cases.on_reporter_button,
            "cx": cases.export_document,
            "sb": subscriptions.on_button,
            "bx": broadcasts.on_button,
            "dx": my_data.on_button,
            "st": statistics_chat.on_button,
            # The checklist result's "all reasons" button carries its answers: valid from any step.
            "cr": checklist.show_all_reasons,
        },
        keywords={
            "keywords.menu": show_menu,
            "keywords.ad": offer_text.begin,
            "keywords.cancel": start.cancel,
            "keywords.help": start.show_help,
            "keywords.stop": subscriptions.stop,
        },
        gate=start.onboarding_gate,
        # A picture at the main menu or in the ad check is a job ad to read.
        pictures={
            (start.NAME, "idle"): offer_picture.check_picture,
            (offer_text.NAME, "paste"): offer_picture.check_picture,
        },
    )
