"""Check a job ad sent as a picture (a flyer, a screenshot of a group post, a photo of a poster):
its text is read, then goes through the same analysis as a pasted ad. The answer says the text
came from a picture and shows its first lines, so the user can see what was read; when little
was readable it asks for the text instead. The picture itself is never kept."""

from __future__ import annotations

from ground.messages import PictureReading
from handlers.context import Turn
from handlers.offers import dialog as offer_text

FIRST_LINES = 3
LINE_CHARS = 70
# Fewer readable words than this (words with at least two letters) and the reading was partial:
# the answer invites the user to paste the text for a fuller check.
PARTLY_READ_WORDS = 15


async def check_picture(turn: Turn) -> None:
    """A picture sent in the ad check, or at the main menu."""
    reading = turn.incoming.reading
    if reading is None:
        turn.read_picture_first()  # the engine reads it outside this turn, then calls us again
    if reading.problem:
        turn.say(_problem_text(turn, reading))
        turn.go(offer_text.NAME, "paste")  # what the user pastes next is checked
        return
    words = _readable_words(reading.text)
    if len(words) < offer_text.AD_MIN_WORDS:
        turn.say(turn.t("pictures.too_little"))
        turn.go(offer_text.NAME, "paste")
        return
    header = turn.t("pictures.read", lines=first_lines(reading.text))
    if len(words) < PARTLY_READ_WORDS or len(words) < len(reading.text.split()) / 2:
        header += "\n\n" + turn.t("pictures.partly")
    turn.say(header)
    # A caption sent with the picture is part of the ad too ("Lowongan Kamboja, info PM").
    caption = turn.incoming.text.strip()
    await offer_text.check(turn, f"{reading.text}\n{caption}" if caption else reading.text)


def first_lines(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()][:FIRST_LINES]
    return "\n".join(f"› {_cut(line)}" for line in lines)


def _cut(line: str) -> str:
    return line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1].rstrip() + "…"


def _readable_words(text: str) -> list[str]:
    """Words with at least two letters: what is left of a reading once its noise ("|", "©", "2e")
    is set aside."""
    return [word for word in text.split() if sum(char.isalpha() for char in word) >= 2]


def _problem_text(turn: Turn, reading: PictureReading) -> str:
    key = f"pictures.problem.{reading.problem}"
    return turn.t(key if turn.t.has(key) else "pictures.problem.not_readable")
