"""Plain dataclasses that cross from the database layer to handlers (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class UserRecord:
    id: int
    channel: str
    external_id: str
    chat_id: str
    language: str
    language_chosen: bool
    privacy_version: str | None
    region_code: str | None
    # Flood control (db/flood.py): whether this message was refused, and how many were since the
    # user's bucket was last full (1: this one is the first, told to slow down).
    flood_refused: bool = False
    flood_refusals: int = 0
    # Messages wait in the outbox for this user's first message (db/first_contact.py).
    held_messages: bool = False


@dataclass
class ConversationState:
    """Where a user is: a dialogue, a step in it, and what the dialogue has gathered so far."""

    dialog: str = "start"
    step: str = "idle"
    data: dict[str, Any] = field(default_factory=dict)
    # The button data a typed number stands for, while a numbered text menu is on the screen
    # (set by the engine for channels that show long menus as text; handlers never touch it).
    menu: list[str] | None = None
    # The buttons (data, label) of the last question shown, so that typed words can press one
    # (set by the engine; kept encrypted with the data: a label may name a place or a case).
    prompt: list[tuple[str, str]] | None = None


@dataclass(frozen=True)
class ChecklistOutcome:
    """An anonymous checklist result: what statistics need and nothing that identifies anyone."""

    risk: str
    score: int
    flags: tuple[str, ...]
    region_code: str | None
    language: str
    taken_on: date
