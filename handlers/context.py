"""What a handler works with: the turn (incoming, user, state, texts, session) and the dialogue table type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, NoReturn, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from db.identifier_keys import IdentifierKeys
from db.records import ConversationState, UserRecord
from db.seen_filter import SeenFilter
from ground.i18n import Content, Texts
from ground.messages import Button, Incoming, Reply
from handlers.checklist.scoring import ChecklistRules
from handlers.offers.rules import OfferRules
from handlers.regions.search import RegionDirectory
from handlers.reports.form import ReportForm


@dataclass(frozen=True)
class Contact:
    """A number to call: a national hotline from content/ or a local one from config.toml."""

    name: str
    when: str = ""
    phone: str = ""
    phone_abroad: str = ""
    whatsapp: str = ""
    sms: str = ""
    web: str = ""
    app: str = ""
    # The day a regency's contact was last confirmed (`sigap contacts import`): shown "as of" it.
    as_of: date | None = None


@dataclass(frozen=True)
class DigestSchedule:
    """When the weekly digest goes: a weekday (0 = Monday) at a local time in each region's zone."""

    weekday: int = 0
    at: time = time(7, 0)


@dataclass(frozen=True)
class Services:
    """Read-only things every handler may use, built once at start-up (no globals)."""

    content: Content
    checklist: ChecklistRules
    regions: RegionDirectory
    report_form: ReportForm
    offers: OfferRules
    local_contacts: tuple[Contact, ...] = ()
    privacy_version: str = "1"
    # Days after a case is closed before its personal fields are purged (config.toml [privacy]).
    retention_days: int = 180
    # Days an unsent report is kept after its last answer (config.toml [privacy]).
    draft_days: int = 3
    # Minutes after its last answer before a message to an unsent report first asks whether to
    # continue it or start over (config.toml [conversation] resume_offer_minutes).
    resume_offer_minutes: float = 60.0
    # Report kind -> hours before an unacknowledged report escalates (config.toml [cases]).
    ack_hours: Mapping[str, float] = field(default_factory=lambda: {"missing": 2.0, "warning": 24.0})
    digest: DigestSchedule = DigestSchedule()
    # Tesseract and its language data are installed: pictures of job ads can be read ([ocr]).
    reads_pictures: bool = False
    # Channels that cannot send a CSV file (WhatsApp refuses it: error 131053); exports go
    # there as XLSX.
    csv_refused_by: frozenset[str] = frozenset()
    # HMAC keys of "seen before" (SIGAP_SEEN_KEYS); None: nothing is looked up or recorded.
    seen_keys: IdentifierKeys | None = None
    # What is stored in "seen before", in memory, so most ad checks make no query (db/seen_filter.py);
    # None: every look-up asks the database. Mutable, owned by the running service.
    seen_filter: SeenFilter | None = None
    # Days an identifier unseen stays in "seen before" (config.toml [privacy]).
    seen_before_days: int = 365
    # Days a sent message stays in the outbox (config.toml [delivery]).
    sent_retention_days: int = 30


T = TypeVar("T")


class ComputeFirst(Exception):
    """Raised by Turn.compute: the engine rolls the turn back, runs the work in a thread with no
    transaction open, then handles the message again from the start with the result at hand."""

    def __init__(self, work: Callable[..., Any], args: tuple[Hashable, ...]) -> None:
        super().__init__(getattr(work, "__name__", "work"))
        self.work, self.args = work, args


class ReadFirst(Exception):
    """Raised by Turn.read: the engine rolls the turn back, runs work(session, now, *args) in a
    session of the read-only engine (db.session.create_reader) with no transaction of the turn
    open, then handles the message again from the start with the result at hand."""

    def __init__(self, work: Callable[..., Awaitable[Any]], args: tuple[Hashable, ...]) -> None:
        super().__init__(getattr(work, "__name__", "work"))
        self.work, self.args = work, args


class ReadPictureFirst(Exception):
    """Raised by Turn.read_picture_first: the engine rolls the turn back, reads the incoming
    picture with no transaction open, then handles the message again with incoming.reading set."""


@dataclass
class Turn:
    """One incoming message being handled, inside one database transaction."""

    incoming: Incoming
    user: UserRecord
    state: ConversationState
    t: Texts
    session: AsyncSession
    now: datetime
    services: Services
    replies: list[Reply] = field(default_factory=list)
    # Messages this turn put in the outbox: the engine wakes the sender once the turn commits.
    queued_messages: int = 0
    # Results of CPU-heavy work done for this message before the turn ran (see compute).
    computed: dict[Hashable, Any] = field(default_factory=dict)
    # Asks again what the current dialogue's step is waiting for (set by the router), so a global
    # button (a language chosen mid-checklist) can return to it instead of ending it.
    ask_again: Callable[[Turn], Awaitable[None]] | None = None
    # Routes the turn once more, as it is now (set by the router): a message held back by a
    # question ("continue your report?") is handled once that question is answered.
    route_again: Callable[[Turn], Awaitable[None]] | None = None

    def say(self, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
        self.replies.append(Reply(text, buttons))

    def go(self, dialog: str, step: str, data: dict[str, Any] | None = None) -> None:
        self.state = ConversationState(dialog=dialog, step=step, data=data or {})

    def use_language(self, language: str) -> None:
        self.t = self.services.content.texts(language)

    def read_picture_first(self) -> NoReturn:
        """Asks for the text of the incoming picture. Reading takes seconds, so it is not done in
        this turn: the engine drops whatever this turn did, reads the picture outside any database
        transaction, and handles the message again with incoming.reading filled in."""
        raise ReadPictureFirst

    async def compute(self, work: Callable[..., T], *args: Hashable) -> T:
        """work(*args), for CPU-heavy pure work (a village search): it runs in a thread and outside
        the turn's transaction, so neither the event loop nor the database (SQLite's one writer)
        waits for it; the turn is then run again from the start and gets the result here."""
        key = (work, args)
        if key in self.computed:
            return self.computed[key]  # type: ignore[no-any-return]
        raise ComputeFirst(work, args)

    async def read(self, work: Callable[..., Awaitable[T]], *args: Hashable) -> T:
        """await work(session, now, *args), for a long read (a year of national statistics): it
        runs in a read-only session of its own, outside the turn's transaction, so other users'
        turns neither wait for SQLite's one connection nor for its write lock meanwhile; the turn
        is then run again from the start and gets the result here. What the turn checks before
        (who may see it) is checked again then."""
        key = (work, args)
        if key in self.computed:
            return self.computed[key]  # type: ignore[no-any-return]
        raise ReadFirst(work, args)


Step = Callable[[Turn], Awaitable[None]]


def _always(state: ConversationState) -> bool:
    return True


def _never(state: ConversationState) -> bool:
    return False


@dataclass(frozen=True)
class Dialog:
    """A conversation as a table of states: each step handles the user's input while in that step."""

    name: str
    steps: Mapping[str, Step]
    # Asks again what the current step is waiting for (after input we could not use).
    reprompt: Step
    # Buttons whose data starts with "<button_prefix>:" belong to this dialogue's current step.
    button_prefix: str = ""
    # Photos reach the current step only in dialogues that ask for one; elsewhere "unsupported".
    accepts_photos: bool = False
    # Texts longer than [conversation] max_text_chars reach the step only in dialogues that read
    # long texts themselves (a pasted job ad: the analysis caps what it reads).
    accepts_long_text: bool = False
    # Whether the current step reads typed text of its own (a name, a village, a pasted ad). Where
    # it does not, typed words that match no button get a hint of what can be typed; where it
    # does, only a message that is nothing but a button's words presses that button.
    reads_text: Callable[[ConversationState], bool] = _always
    # Whether the current step asks for a number (an age): a number typed there is the answer,
    # never "the Nth button" of a numbered menu.
    asks_number: Callable[[ConversationState], bool] = _never
    # Runs before the router handles a message while this dialogue is open (/start, a menu
    # button and anything else); returns True when it answered instead (an unsent report asks
    # whether to continue it before it is left or picked up after a long pause).
    interrupts: Callable[[Turn], Awaitable[bool]] | None = None


@dataclass(frozen=True)
class RouteTable:
    """Everything the router needs to pick a step; declared once in handlers/__init__.py."""

    dialogs: Mapping[str, Dialog]
    home: str
    # /commands (several spellings may lead to one step) and global button prefixes.
    commands: Mapping[str, Step]
    buttons: Mapping[str, Step]
    # Plain words that act like commands (WhatsApp users rarely type '/'): content key -> step.
    keywords: Mapping[str, Step]
    # Runs before anything else; returns True when it answered (e.g. onboarding not finished).
    gate: Callable[[Turn], Awaitable[bool]]
    # (dialogue, step) -> the step that takes a picture sent there (a job ad to read), whether or
    # not that dialogue accepts photos otherwise.
    pictures: Mapping[tuple[str, str], Step] = field(default_factory=dict)
