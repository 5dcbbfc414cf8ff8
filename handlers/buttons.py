"""Button data: packed and read back by one small typed codec per kind of button.

A button's data goes out to the platform and comes back as a string when it is tapped, or forged,
or tapped on a message from an older version. Each kind of button is declared once, with its
prefix and the type of what it carries; `pack` refuses data over Telegram's 64 bytes (WhatsApp's
reply ids are kept to the same, so one button works on both) instead of letting the platform
reject the message, and `read` returns None for data of another kind or malformed data, never a
slice of the wrong thing. Handlers compare what `read` gives them against what may be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from ground.messages import MAX_WHOLE_NUMBER, whole_number

MAX_BYTES = 64  # Telegram's limit on callback_data
SEPARATOR = ":"


class ButtonDataError(ValueError):
    """Data that no platform would carry: too long, or a field that would break the parsing."""


def pack(prefix: str, *fields: str | int) -> str:
    parts = [str(field) for field in fields]
    for part in parts:
        if not part or SEPARATOR in part:
            raise ButtonDataError(
                f"a field of {prefix!r} button data is empty or holds {SEPARATOR!r}: {part!r}"
            )
    data = SEPARATOR.join((prefix, *parts))
    if len(data.encode()) > MAX_BYTES:
        raise ButtonDataError(f"button data over {MAX_BYTES} bytes: {data!r}")
    return data


def prefix_of(data: str) -> str:
    """The kind of a button ("rp" of "rp:c:yes"): what the router and the onboarding gate look at."""
    return data.split(SEPARATOR, 1)[0]


def _id(record_id: int) -> int:
    if not 0 <= record_id <= MAX_WHOLE_NUMBER:  # it would not read back as a whole number
        raise ButtonDataError(f"a record id out of range for button data: {record_id}")
    return record_id


def fields_of(prefix: str, data: str, count: int) -> tuple[str, ...] | None:
    """The `count` fields after `prefix`, or None when the data is of another kind or malformed."""
    head = prefix + SEPARATOR
    if not data.startswith(head):
        return None
    parts = tuple(data[len(head) :].split(SEPARATOR))
    if len(parts) != count or not all(parts):
        return None
    return parts


@dataclass(frozen=True)
class Choice:
    """`prefix:<text>`: a choice among names the handler knows (a report kind, a village code)."""

    prefix: str

    def pack(self, value: str) -> str:
        return pack(self.prefix, value)

    def read(self, data: str) -> str | None:
        fields = fields_of(self.prefix, data, 1)
        return fields[0] if fields else None


@dataclass(frozen=True)
class RecordId:
    """`prefix:<id>`: a database row the handler loads, and checks the user may see."""

    prefix: str

    def pack(self, record_id: int) -> str:
        return pack(self.prefix, _id(record_id))

    def read(self, data: str) -> int | None:
        fields = fields_of(self.prefix, data, 1)
        return whole_number(fields[0]) if fields else None


@dataclass(frozen=True)
class ActionOn:
    """`prefix:<action>:<id>`: one of the handler's actions on a database row. A malformed id
    still names the action (None for the id), so a forged tap is refused and audited as one."""

    prefix: str

    def pack(self, action: str, record_id: int) -> str:
        return pack(self.prefix, action, _id(record_id))

    def read(self, data: str) -> tuple[str, int | None] | None:
        fields = fields_of(self.prefix, data, 2)
        return None if fields is None else (fields[0], whole_number(fields[1]))


@dataclass(frozen=True)
class ChoiceOn:
    """`prefix:<id>:<text>`: a choice about a database row (how a case is closed)."""

    prefix: str

    def pack(self, record_id: int, value: str) -> str:
        return pack(self.prefix, _id(record_id), value)

    def read(self, data: str) -> tuple[int, str] | None:
        fields = fields_of(self.prefix, data, 2)
        record_id = whole_number(fields[0]) if fields else None
        return None if fields is None or record_id is None else (record_id, fields[1])
