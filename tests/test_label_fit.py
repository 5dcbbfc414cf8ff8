"""No label is cut on WhatsApp (20 characters a reply button, 24 a list row): the labels built from
data (a village, a region, a case) are numbered and the data named in the message. Checked on the
builders with the longest real names of the shipped region list, and by walking the dialogues on
the WhatsApp stack, where the fake Graph API records every title the sender had to cut."""

from __future__ import annotations

import pytest

from bot.channels import whatsapp_format
from bot.cli import admin
from db.regions import read_region_file, shipped_list
from db.roles import Role
from ground.i18n import Content, Texts, default_content_dir
from ground.messages import Button, Reply
from handlers import choice_labels
from handlers.buttons import Choice
from handlers.regions.search import Place, village_choices
from tests.test_reports_e2e import file_report
from tests.whatsapp_harness import WhatsAppHarness

CONTENT = Content.load(default_content_dir(), "id")
ROWS = list(read_region_file(shipped_list()))
NAMES = {row.code: row.name for row in ROWS}


def longest(level: int, count: int) -> list[str]:
    """The codes of the regions of this level with the longest names (villages: 44 characters)."""
    return [r.code for r in sorted((r for r in ROWS if r.level == level), key=lambda r: -len(r.name))][:count]


LONGEST_VILLAGES = longest(4, 5)
LONGEST_REGENCIES = longest(2, 3)


def place(code: str) -> Place:
    return Place(code, NAMES[code], NAMES[code[:8]], NAMES[code[:5]], NAMES[code[:2]], "Asia/Jakarta")


def texts(language: str) -> Texts:
    return CONTENT.texts(language)


def test_the_limit_is_whatsapps_smallest_label() -> None:
    assert choice_labels.LABEL_LIMIT == whatsapp_format.BUTTON_TITLE
    assert len(NAMES[LONGEST_VILLAGES[0]]) > whatsapp_format.ROW_TITLE, "the data really is too long"


def test_cut_labels_sees_a_label_over_its_limit() -> None:
    """The check itself can fail: 21 characters cut as a reply button, uncut as a list row."""
    label = "x" * (whatsapp_format.BUTTON_TITLE + 1)
    assert whatsapp_format.cut_labels(Reply("?", ((Button(label, "a"),),))) == [label]
    as_row = Reply("?", tuple((Button(label if n == 0 else str(n), str(n)),) for n in range(5)))
    assert whatsapp_format.cut_labels(as_row) == []


@pytest.mark.parametrize("language", CONTENT.languages)
@pytest.mark.parametrize("count", [1, 2, 5])
def test_the_longest_villages_are_offered_uncut_and_named_in_full(language: str, count: int) -> None:
    places = [place(code) for code in LONGEST_VILLAGES[:count]]
    listing, rows = village_choices(texts(language), places, Choice("rp:v"))
    cancel = (Button(texts(language)("report.cancel"), "rp:cancel"),)
    assert whatsapp_format.cut_labels(Reply(listing, (*rows, cancel))) == []
    for p in places:
        assert p.label in listing, "the message names each village with its district and regency"
    assert [b.data for (b,) in rows] == [f"rp:v:{p.code}" for p in places]


@pytest.mark.parametrize("language", CONTENT.languages)
def test_a_short_name_is_its_own_label_and_numbered(language: str) -> None:
    listing, rows = choice_labels.numbered_choices(
        texts(language), [("Sungai Kakap", "Sungai Kakap, Kec. Sungai Kakap, Kubu Raya", "rp:v:1")]
    )
    assert [b.label for (b,) in rows] == ["1. Sungai Kakap"]
    assert listing == "1. Sungai Kakap, Kec. Sungai Kakap, Kubu Raya"


@pytest.mark.parametrize("language", CONTENT.languages)
def test_generated_labels_fit_with_their_longest_values(language: str) -> None:
    t = texts(language)
    longest_values = [
        t("choice.number", number=99),
        t("cases.add_info_to", number=99),
        t("report.village_mine"),
        choice_labels.numbered_label(t, 99, "TPPO-9999-999999"),  # a case in the coordinator's list
        *(choice_labels.numbered_label(t, 1, NAMES[code]) for code in LONGEST_REGENCIES),
        # A scheduled broadcast's buttons in the coordinator's overview (handlers/broadcasts/dialog.py).
        *(f"{t(f'broadcast_admin.{action}')} #999999" for action in ("pause", "resume", "cancel")),
    ]
    assert [label for label in longest_values if not choice_labels.fits(label)] == []


# --- the dialogues on the WhatsApp stack ---------------------------------------------------------

VILLAGER, COORDINATOR = "6281100000901", "6281100000902"


async def test_the_dialogues_with_the_longest_names_cut_no_label(wa: WhatsAppHarness) -> None:
    assert wa.service.core is not None
    village = LONGEST_VILLAGES[0]
    # A villager who is also the village's official: the report offers "📍 Desa saya".
    await wa.say(VILLAGER, "halo")
    await wa.press(VILLAGER, "lang:id")
    await wa.press(VILLAGER, "privacy:ok")
    await wa.press(VILLAGER, "sb:start")
    await wa.type_village(VILLAGER, village, "sb:v:")
    await admin.grant(wa.service.core, Role.OFFICIAL, f"whatsapp:{VILLAGER}", village)
    await wa.say(VILLAGER, "/menu")
    await wa.press(VILLAGER, "menu:report")
    await wa.press(VILLAGER, "rp:yes")
    await wa.press(VILLAGER, "rp:k:missing")
    await wa.say(VILLAGER, "Siti Aminah")
    await wa.say(VILLAGER, "19")
    replies = await wa.press(VILLAGER, "rp:c:female")
    assert NAMES[village] in replies[-1]["text"], "the official's own village is named in the message"
    assert f"rp:v:{village}" in replies[-1]["buttons"]
    await wa.say(VILLAGER, "/batal")
    await wa.say(VILLAGER, "/menu")
    # Two open reports of their own, each with its "add information" button.
    await file_report(wa, VILLAGER)  # type: ignore[arg-type]
    await file_report(wa, VILLAGER)  # type: ignore[arg-type]
    replies = await wa.say(VILLAGER, "/laporan")
    assert len([b for b in replies[-1]["buttons"] if b.startswith("my:add:")]) == 2
    # A coordinator of two regencies, one with the longest name: cases, statistics, a broadcast.
    await admin.grant(wa.service.core, Role.COORDINATOR, f"whatsapp:{COORDINATOR}", "61.12")
    await admin.grant(wa.service.core, Role.COORDINATOR, f"whatsapp:{COORDINATOR}", LONGEST_REGENCIES[0])
    await wa.onboard(COORDINATOR)
    await wa.say(COORDINATOR, "/kasus")
    replies = await wa.say(COORDINATOR, "/statistik")
    assert NAMES[LONGEST_REGENCIES[0]] in replies[-1]["text"]
    await wa.say(COORDINATOR, "/siaran")
    replies = await wa.press(COORDINATOR, "bx:new")
    # More than ten messages in the library: a numbered text menu, answered with a number.
    assert replies[-1]["kind"] == "text" and "\n1. " in replies[-1]["text"]
    replies = await wa.say(COORDINATOR, "1")
    assert NAMES[LONGEST_REGENCIES[0]] in replies[-1]["text"]
    assert wa.api.refused == []
    assert wa.api.cut_labels == []
