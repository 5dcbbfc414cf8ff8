"""Choices named by data (a village, a region, a case) as buttons that fit every platform uncut.

WhatsApp cuts a reply-button title at 20 characters and a list row at 24; a village name alone can
have 44 ("Kampuang Tanjuang Koto Mambang Sungai Durian"), and same-named villages are told apart
only by their district and regency. So such choices are listed in full, numbered, in the message,
and each button says "1. Sungai Kakap" when that fits the smallest label, else "Pilihan 1". The
button never has to carry more than its number to be understood."""

from __future__ import annotations

from collections.abc import Sequence

from ground.i18n import Texts
from ground.messages import Button

# The smallest label any platform shows uncut: a WhatsApp reply-button title. A list row holds 24,
# but the same choices become reply buttons when there are three or fewer.
LABEL_LIMIT = 20


def fits(label: str) -> bool:
    return len(label) <= LABEL_LIMIT


def numbered_label(t: Texts, number: int, name: str) -> str:
    """ "2. Sungai Kakap", or "Pilihan 2" when the name would not fit uncut."""
    label = f"{number}. {name}"
    return label if fits(label) else t("choice.number", number=number)


def numbered_choices(
    t: Texts, choices: Sequence[tuple[str, str, str]]
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """choices: (short name, full description, button data) each. Returns the numbered list to put
    in the message ("1. Sungai Kakap, Kec. Sungai Kakap, Kubu Raya" a line) and one button a row."""
    lines = [f"{n}. {full}" for n, (_, full, _) in enumerate(choices, start=1)]
    rows = tuple(
        (Button(numbered_label(t, n, name), data),) for n, (name, _, data) in enumerate(choices, start=1)
    )
    return "\n".join(lines), rows
