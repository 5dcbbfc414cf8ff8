"""The channel-neutral message model: what handlers receive and what they answer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

# "image": a picture sent as a file (a Telegram document): it can be read like a photo, but not
# forwarded as one.
IncomingKind = Literal["text", "command", "button", "photo", "image", "unsupported"]


# The largest number anyone types or a button carries that means something: a database id (a
# 32-bit column on PostgreSQL). Larger ones ("99999999999999999999") would overflow the column.
MAX_WHOLE_NUMBER = 2**31 - 1


def whole_number(text: str) -> int | None:
    """The number a text is when written with the digits 0-9 only ("12") and at most
    MAX_WHOLE_NUMBER, else None: every number a user types or a button carries goes through here
    (str.isdigit() alone also accepts "²", which int() refuses; and int() of thousands of digits
    is refused, or slow)."""
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(MAX_WHOLE_NUMBER)):
        return None
    number = int(text)
    return number if number <= MAX_WHOLE_NUMBER else None


@dataclass(frozen=True)
class PictureReading:
    """The text Sigap read in a picture the user sent, or why it read none: problem is one of
    unavailable, busy, too_large, too_many_pixels, not_a_picture, timeout, not_readable,
    not_downloaded ("" when the picture was read)."""

    text: str = ""
    problem: str = ""


@dataclass(frozen=True)
class Incoming:
    """One thing a user did: typed text, a /command, pressed a button, or sent something we can't read."""

    channel: str
    user_id: str
    chat_id: str
    kind: IncomingKind
    text: str = ""
    # Button presses carry the data of the pressed button (at most 64 bytes on Telegram).
    data: str = ""
    # The platform's id for this delivery, to act once when a webhook is re-delivered.
    update_key: str | None = None
    # kind "photo" or "image": the platform's id of the picture (downloadable from that platform only),
    # or, where those ids expire (WhatsApp), the picture itself, downloaded by the adapter.
    photo: str = ""
    photo_data: bytes = b""
    photo_mime: str = ""
    # Its text, once the engine read the picture for a step that asked (Turn.read_picture_first).
    reading: PictureReading | None = None
    # Written in a one-to-one chat with the bot, not in a group: only there does Sigap converse
    # (a group would see a villager's report or their /dataku).
    private: bool = True

    @property
    def command(self) -> str:
        """'/Start@SigapBot payload' -> 'start'; empty for anything but a command."""
        if self.kind != "command":
            return ""
        word = self.text.strip().split(maxsplit=1)[0] if self.text.strip() else ""
        return word.lstrip("/").split("@", 1)[0].lower()

    @property
    def command_argument(self) -> str:
        parts = self.text.strip().split(maxsplit=1)
        return parts[1].strip() if len(parts) == 2 else ""


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class DeliveryStatus:
    """What a platform reports later about a message we sent: sent, delivered, read or failed."""

    message_id: str
    recipient: str
    status: str
    error_code: int | None = None


@dataclass(frozen=True)
class Template:
    """What to send instead when a platform allows only pre-approved messages (WhatsApp outside the
    24-hour window). `purpose` names a template configured per installation; `button_data` is
    what its quick-reply button answers with, so one tap opens the full message in the bot."""

    purpose: str
    language: str
    params: tuple[str, ...] = ()
    button_data: str = ""


@dataclass(frozen=True)
class Reply:
    """A message to send back. Buttons are rows; adapters fit them to what their platform allows."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # A photo to send, with the text as its caption: a platform photo id, or "media:N" for a
    # picture stored by Sigap, which the outbox sender loads into photo_data before sending.
    photo: str = ""
    photo_data: bytes = b""
    photo_mime: str = ""
    # A file to send (an export), with the text as its caption. Never queued in the outbox.
    document_name: str = ""
    document: bytes = b""
    # Outbox messages that may reach someone who has not written for a while carry a template.
    template: Template | None = None

    @property
    def all_buttons(self) -> tuple[Button, ...]:
        return tuple(button for row in self.buttons for button in row)


# What every channel takes in one message: Telegram and WhatsApp texts hold 4,096 characters;
# a caption (both) and a WhatsApp message with buttons (its interactive body) 1,024. Counted as
# Telegram counts, in UTF-16 code units (an emoji is two), which is never less than WhatsApp's.
TEXT_LIMIT, SHORT_TEXT_LIMIT = 4096, 1024


def text_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT, first: int | None = None) -> list[str]:
    """The text in pieces of at most `limit` (the first piece at most `first`), cut at a paragraph
    break where one fits, else at a line break, else between words, else anywhere. Nothing is
    dropped but the whitespace at the cuts."""
    pieces: list[str] = []
    rest = text
    while text_length(rest) > (first if first is not None and not pieces else limit):
        room = first if first is not None and not pieces else limit
        head = _fitting(rest, room)
        cut = _cut(head)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return [piece for piece in pieces if piece] or [""]


def pack(blocks: list[str], limit: int = TEXT_LIMIT, separator: str = "\n\n") -> list[str]:
    """Blocks joined into as few messages of at most `limit` as keep each block whole; a block
    longer than that is split on its own."""
    messages: list[str] = []
    for block in blocks:
        joined = f"{messages[-1]}{separator}{block}" if messages else block
        if messages and text_length(joined) <= limit:
            messages[-1] = joined
        else:
            messages += split_text(block, limit)
    return messages


def _cut(head: str) -> int:
    """Where to end a piece: the last paragraph break, else line break, else space, in the later
    half of the room (earlier ones would leave a small piece); else where the room ends."""
    for mark in ("\n\n", "\n"):
        cut = head.rfind(mark)
        if cut > len(head) // 2:
            return cut
    cut = head.rfind(" ")
    return cut if cut > 0 else len(head)


def _fitting(text: str, limit: int) -> str:
    """The longest start of the text within `limit` UTF-16 code units (never splitting a character)."""
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


# A note shorter than this joins the next message instead of arriving on its own ("Thank you."
# then the menu): fewer messages to load on a poor connection, fewer API calls to rate-limit.
SHORT_NOTE_CHARS = 700


def compact(replies: list[Reply]) -> list[Reply]:
    """Joins short button-less notes into the message that follows them."""
    joined: list[Reply] = []
    for reply in replies:
        previous = joined[-1] if joined else None
        if (
            previous
            and not previous.buttons
            and not previous.photo
            and not reply.photo
            and not previous.document
            and not reply.document
            and len(previous.text) + len(reply.text) + 2 <= SHORT_NOTE_CHARS
        ):
            joined[-1] = replace(reply, text=f"{previous.text}\n\n{reply.text}")
        else:
            joined.append(reply)
    return joined
